/**
 * Throwaway PostgreSQL 15 + PostGIS clusters for tests, benchmarks and the local demo, started from
 * the system binaries ({@code initdb}/{@code pg_ctl}) on free loopback ports; no Docker needed.
 *
 * <ul>
 *   <li>{@link io.lizsync.testkit.PgCluster}: one cluster; {@code PgCluster.start("name")} or
 *       {@code PgCluster.options("name")...start()}.</li>
 *   <li>{@link io.lizsync.testkit.PgClusters}: several started in parallel, closed together.</li>
 *   <li>{@link io.lizsync.testkit.PgClusterMain}: command line for the demo scripts.</li>
 *   <li>{@link io.lizsync.testkit.ProcessRunner}: runs a command with a timeout, output captured.</li>
 *   <li>{@link io.lizsync.testkit.Browser}: a headless Chromium from Debian's packages driven by
 *       Selenium (optional dependency: a module that drives a browser declares Selenium itself).</li>
 * </ul>
 *
 * A Docker/Testcontainers back-end would plug in behind {@code PgCluster}'s accessors; see the
 * note in its class documentation.
 */
package io.lizsync.testkit;
