// LizSync dashboard: the few live parts of server-rendered pages (no library; the pages work without it).
(function () {
  'use strict';

  // Overview: the shared poller's updates replace the table's body (rendered by the server as the page is).
  function liveOverview(table) {
    var body = table.querySelector('tbody');
    var summary = document.getElementById('overview-summary');
    var problem = document.getElementById('overview-problem');
    var source = new EventSource(table.getAttribute('data-live'));
    source.onmessage = function (event) {
      var update = JSON.parse(event.data);
      if (update.rows !== null && update.rows !== undefined && body.innerHTML !== update.rows) {
        var focused = document.activeElement;
        var row = focused && body.contains(focused) ? focused.closest('tr') : null;
        var key = row ? (row.getAttribute('data-clone-id') || row.getAttribute('data-node')) : null;
        body.innerHTML = update.rows;
        if (key) {
          var again = body.querySelector('tr[data-clone-id="' + key + '"] a, tr[data-node="' + key + '"] a');
          if (again) { again.focus(); }
        }
      }
      if (summary && update.summary && summary.textContent !== update.summary) { summary.textContent = update.summary; }
      if (problem) { problem.textContent = update.problem || ''; }
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

  // A block that the server renders again every few seconds (a clone's running jobs).
  function poll(block) {
    var url = block.getAttribute('data-poll');
    setInterval(function () {
      if (document.hidden) { return; }
      fetch(url, { credentials: 'same-origin' }).then(function (r) { return r.ok ? r.text() : null; }).then(function (html) {
        if (html !== null && block.innerHTML !== html) { block.innerHTML = html; }
      }).catch(function () { /* try again at the next round */ });
    }, 3000);
  }

  document.addEventListener('DOMContentLoaded', function () {
    var table = document.querySelector('table[data-live]');
    if (table && window.EventSource) { liveOverview(table); }
    var progress = document.getElementById('job-progress');
    if (progress && window.EventSource) { followJob(progress); }
    document.querySelectorAll('[data-poll]').forEach(poll);
  });
}());
