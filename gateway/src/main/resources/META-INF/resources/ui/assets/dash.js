// LizSync dashboard: the few live parts of server-rendered pages (no library; the pages work without it).
(function () {
  'use strict';

  // Rows are updated in place (same key: the same row element, only changed cells rewritten), so that
  // what a user (or a test) holds, a focused link or a row, stays in the page.
  function keyOf(row) {
    return row.getAttribute('data-clone-id') || row.getAttribute('data-node') || row.getAttribute('data-job-id') || '';
  }

  function patchRows(body, freshBody) {
    var old = {};
    Array.prototype.forEach.call(body.children, function (r) { old[keyOf(r)] = r; });
    var prev = null;
    Array.prototype.slice.call(freshBody.children).forEach(function (f) {
      var key = keyOf(f);
      var row = Object.prototype.hasOwnProperty.call(old, key) ? old[key] : null;
      if (row && row.cells.length === f.cells.length) {
        delete old[key];
        Array.prototype.forEach.call(f.attributes, function (a) {
          if (row.getAttribute(a.name) !== a.value) { row.setAttribute(a.name, a.value); }
        });
        for (var i = 0; i < f.cells.length; i++) {
          if (row.cells[i].innerHTML !== f.cells[i].innerHTML) { row.cells[i].innerHTML = f.cells[i].innerHTML; }
        }
      } else {
        row = f;
      }
      var next = prev ? prev.nextElementSibling : body.firstElementChild;
      if (next !== row) { body.insertBefore(row, next); }
      prev = row;
    });
    Object.keys(old).forEach(function (k) { if (old[k].parentNode === body) { body.removeChild(old[k]); } });
  }

  function parseBody(html) {
    var table = document.createElement('table');
    table.innerHTML = html.indexOf('<table') >= 0 ? html.replace(/^[\s\S]*?<table[^>]*>|<\/table>[\s\S]*$/g, '') : '<tbody>' + html + '</tbody>';
    return table.tBodies[0];
  }

  // Overview: the shared poller's updates (rendered by the server as the page is) patch the table's rows.
  function liveOverview(table) {
    var body = table.tBodies[0];
    var summary = document.getElementById('overview-summary');
    var problem = document.getElementById('overview-problem');
    var last = null;
    var source = new EventSource(table.getAttribute('data-live'));
    source.onmessage = function (event) {
      var update = JSON.parse(event.data);
      if (update.rows !== null && update.rows !== undefined && update.rows !== last) {
        last = update.rows;
        patchRows(body, parseBody(update.rows));
      }
      if (summary && update.summary && summary.textContent !== update.summary) { summary.textContent = update.summary; }
      if (problem && problem.textContent !== (update.problem || '')) { problem.textContent = update.problem || ''; }
    };
  }

  // A job's progress, from the jobs API's server-sent events (the session cookie authenticates them).
  var FINAL = ['succeeded', 'failed', 'cancelled'];
  function followJob(progress) {
    var id = progress.getAttribute('data-job-id');
    var message = document.getElementById('job-message');
    if (FINAL.indexOf(progress.getAttribute('data-state')) >= 0) { return; }
    var source = new EventSource('/api/v1/jobs/' + encodeURIComponent(id) + '/events');
    source.onmessage = function (event) {
      var job = JSON.parse(event.data);
      progress.setAttribute('data-state', job.state);
      if (job.percent !== null && job.percent !== undefined) { progress.value = job.percent; }
      else if (job.state === 'succeeded') { progress.value = 100; }
      var text = job.state + (job.step ? ': ' + job.step : '') + (job.percent !== null && job.percent !== undefined ? ' (' + job.percent + ' %)' : '');
      if (job.message) { text += ' — ' + job.message; }
      if (message) { message.textContent = text; }
      if (FINAL.indexOf(job.state) >= 0) {
        source.close();
        refresh(progress.getAttribute('data-refresh'));
      }
    };
    source.onerror = function () {
      if (FINAL.indexOf(progress.getAttribute('data-state')) < 0 && source.readyState === EventSource.CLOSED && message) {
        message.textContent = 'Lost the job\'s progress; reload the page to follow it again.';
      }
    };
  }

  // Replaces the element with this id by the same element of the page as the server renders it now.
  function refresh(id) {
    var target = id ? document.getElementById(id) : null;
    if (!target) { return; }
    fetch(window.location.href, { credentials: 'same-origin' }).then(function (r) { return r.text(); }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById(id);
      if (fresh) { target.replaceWith(document.importNode(fresh, true)); }
    }).catch(function () { /* the page stays as it was */ });
  }

  // A running job's row (a clone's deploys and sync sessions) follows the job's server-sent events:
  // state, step and progress change as the service reports them, not only at the next poll.
  var followed = {};
  function followRows(block) {
    Array.prototype.forEach.call(block.querySelectorAll('tr[data-job-id]'), function (row) {
      var id = row.getAttribute('data-job-id');
      if (followed[id] || FINAL.indexOf(row.getAttribute('data-state')) >= 0 || row.cells.length < 5) { return; }
      followed[id] = new EventSource('/api/v1/jobs/' + encodeURIComponent(id) + '/events');
      followed[id].onmessage = function (event) {
        var job = JSON.parse(event.data);
        var now = block.querySelector('tr[data-job-id="' + id + '"]');
        if (!now) { return; }
        now.setAttribute('data-state', job.state);
        now.cells[2].textContent = job.state;
        now.cells[3].textContent = (job.step || '') + (job.message ? ' — ' + job.message : '');
        if (job.percent !== null && job.percent !== undefined && job.percent >= 0) {
          var bar = now.cells[4].querySelector('progress');
          if (!bar) {
            bar = document.createElement('progress');
            bar.max = 100;
            bar.setAttribute('aria-label', 'Progress of ' + id);
            now.cells[4].textContent = '';
            now.cells[4].appendChild(bar);
            now.cells[4].appendChild(document.createTextNode(''));
          }
          bar.value = job.percent;
          bar.textContent = job.percent + ' %';
          now.cells[4].lastChild.textContent = ' ' + job.percent + ' %';
        }
        if (FINAL.indexOf(job.state) >= 0) { followed[id].close(); }
      };
      followed[id].onerror = function () {
        if (followed[id].readyState === EventSource.CLOSED) { delete followed[id]; }
      };
    });
  }

  // A table that the server renders again every few seconds (a clone's jobs): its rows patched in place.
  function poll(block) {
    var url = block.getAttribute('data-poll');
    var last = null;
    setInterval(function () {
      if (document.hidden) { return; }
      fetch(url, { credentials: 'same-origin' }).then(function (r) { return r.ok ? r.text() : null; }).then(function (html) {
        var body = block.querySelector('tbody');
        if (html === null || html === last || !body) { return; }
        last = html;
        var fresh = parseBody(html);
        if (fresh) { patchRows(body, fresh); }
        if (window.EventSource) { followRows(block); }
      }).catch(function () { /* try again at the next round */ });
    }, 3000);
  }

  document.addEventListener('DOMContentLoaded', function () {
    var table = document.querySelector('table[data-live]');
    if (table && window.EventSource) { liveOverview(table); }
    var progress = document.getElementById('job-progress');
    if (progress && window.EventSource) { followJob(progress); }
    document.querySelectorAll('[data-poll]').forEach(function (block) {
      poll(block);
      if (window.EventSource) { followRows(block); }
    });
  });
}());
