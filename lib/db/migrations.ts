// Numbered schema migrations, applied in order on open (PRAGMA user_version).
// Append new ones; never edit one that has shipped.

export const MIGRATIONS: readonly string[] = [
  // 1: the domain model of DESIGN.md
  `
  CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
  );

  CREATE TABLE builds (
    id INTEGER PRIMARY KEY,
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    started_us INTEGER,
    finished_us INTEGER,
    result TEXT,
    source TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    ingested_us INTEGER NOT NULL,
    warnings INTEGER NOT NULL DEFAULT 0,
    report TEXT NOT NULL,
    UNIQUE (job_id, number)
  );

  CREATE TABLE node_configs (
    id INTEGER PRIMARY KEY,
    image TEXT NOT NULL,
    machine TEXT NOT NULL,
    UNIQUE (image, machine)
  );

  CREATE TABLE tests (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT,
    options TEXT NOT NULL
  );

  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    build_id INTEGER NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
    test_id INTEGER NOT NULL REFERENCES tests(id),
    node_config_id INTEGER NOT NULL REFERENCES node_configs(id),
    host TEXT,
    description TEXT,
    perf_version TEXT,
    start_us INTEGER,
    end_us INTEGER,
    status TEXT,
    UNIQUE (build_id, test_id, node_config_id)
  );
  CREATE INDEX runs_by_series ON runs (test_id, node_config_id, build_id);

  -- One PerfData item. name is one of the six plotted metrics, or NULL for
  -- items kept but not plotted (other latency types, cluster labels).
  CREATE TABLE metrics (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    name TEXT,
    unit TEXT NOT NULL,
    labels TEXT NOT NULL
  );
  CREATE UNIQUE INDEX metrics_by_run_name ON metrics (run_id, name) WHERE name IS NOT NULL;
  CREATE INDEX metrics_by_run ON metrics (run_id);

  CREATE TABLE metric_stats (
    metric_id INTEGER NOT NULL REFERENCES metrics(id) ON DELETE CASCADE,
    stat TEXT NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (metric_id, stat)
  ) WITHOUT ROWID;

  CREATE TABLE resource_points (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    container TEXT NOT NULL,
    t_us INTEGER NOT NULL,
    cpu REAL,
    memory REAL,
    cpu_unit TEXT NOT NULL,
    memory_unit TEXT NOT NULL,
    PRIMARY KEY (run_id, container, t_us)
  ) WITHOUT ROWID;

  CREATE TABLE probe_events (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    probe TEXT NOT NULL,
    pod TEXT,
    uid TEXT,
    instance INTEGER NOT NULL DEFAULT 0,
    t_us INTEGER NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('test', 'kubelet'))
  );
  CREATE INDEX probe_events_by_run ON probe_events (run_id, probe, t_us);

  CREATE TABLE pod_startups (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    pod TEXT NOT NULL,
    uid TEXT,
    instance INTEGER NOT NULL DEFAULT 0,
    slo_duration_s REAL,
    e2e_duration_s REAL,
    flagged INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, pod, instance)
  ) WITHOUT ROWID;
  `,

  // 2: read model for the charts. A series is one test on one node config in
  // one job; runs carry their series, build number and start; chart_points
  // holds each plotted metric's stats as one JSON object, clustered by
  // series, metric and build, so a chart over 5,000 builds is one range scan
  // instead of a join per build.
  `
  CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    test_id INTEGER NOT NULL REFERENCES tests(id),
    node_config_id INTEGER NOT NULL REFERENCES node_configs(id),
    UNIQUE (job_id, test_id, node_config_id)
  );
  ALTER TABLE runs ADD COLUMN series_id INTEGER REFERENCES series(id);
  ALTER TABLE runs ADD COLUMN build_number INTEGER;
  ALTER TABLE runs ADD COLUMN build_started_us INTEGER;

  INSERT INTO series (job_id, test_id, node_config_id)
    SELECT DISTINCT b.job_id, r.test_id, r.node_config_id FROM runs r JOIN builds b ON b.id = r.build_id;
  UPDATE runs SET
    series_id = (SELECT s.id FROM series s JOIN builds b ON b.job_id = s.job_id
                 WHERE b.id = runs.build_id AND s.test_id = runs.test_id AND s.node_config_id = runs.node_config_id),
    build_number = (SELECT number FROM builds WHERE id = runs.build_id),
    build_started_us = (SELECT started_us FROM builds WHERE id = runs.build_id);
  CREATE INDEX runs_by_series_build ON runs (series_id, build_number);

  CREATE TABLE chart_points (
    series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    metric TEXT NOT NULL,
    build_number INTEGER NOT NULL,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    started_us INTEGER,
    unit TEXT NOT NULL,
    stats TEXT NOT NULL,
    -- The chart's top stat (Perc99, single-worst, Perc95, workingset): a long
    -- window keeps each stretch's builds with its lowest and highest value.
    top REAL,
    PRIMARY KEY (series_id, metric, build_number)
  ) WITHOUT ROWID;
  CREATE INDEX chart_points_by_run ON chart_points (run_id);
  INSERT INTO chart_points (series_id, metric, build_number, run_id, started_us, unit, stats, top)
    SELECT r.series_id, m.name, r.build_number, r.id, r.build_started_us, m.unit,
           (SELECT json_group_object(stat, value) FROM metric_stats WHERE metric_id = m.id),
           (SELECT value FROM metric_stats WHERE metric_id = m.id AND stat = CASE m.name
              WHEN 'latency' THEN 'Perc99' WHEN 'throughput' THEN 'single-worst'
              WHEN 'kubelet_cpu' THEN 'Perc95' WHEN 'runtime_cpu' THEN 'Perc95'
              ELSE 'workingset' END)
    FROM runs r JOIN metrics m ON m.run_id = r.id AND m.name IS NOT NULL;
  `,
  // 3: change points found per series (test x node config x metric x stat of
  // a job), recomputed when the job's builds change; the state row says for
  // which builds they were computed.
  `
  CREATE TABLE change_points (
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    test_id INTEGER NOT NULL REFERENCES tests(id),
    node_config_id INTEGER NOT NULL REFERENCES node_configs(id),
    metric TEXT NOT NULL,
    stat TEXT NOT NULL,
    build INTEGER NOT NULL,
    before REAL NOT NULL,
    after REAL NOT NULL,
    change REAL,
    p_value REAL NOT NULL,
    regression INTEGER NOT NULL,
    PRIMARY KEY (job_id, test_id, node_config_id, metric, stat, build)
  ) WITHOUT ROWID;

  CREATE TABLE change_point_state (
    job_id INTEGER PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
    builds_signature TEXT NOT NULL,
    computed_us INTEGER NOT NULL
  );
  `,
  // 4: build IDs as exact digit strings (Prow's have 19 digits: beyond a
  // float64, and at 19 nines beyond SQLite's int64), ordered by start time
  // then ID (sort_key, see lib/build-id.ts buildOrderKey); what each build
  // tested (version, commit) and where Prow shows it. Runs and chart points
  // carry the build's ID and order key; change points name the last build at
  // the old level. Probe events keep their log line and byte offset and may
  // come from OpenTelemetry spans. Tables whose column types change are
  // rebuilt (foreign keys are off while migrations run).
  `
  CREATE TABLE builds_v4 (
    id INTEGER PRIMARY KEY,
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    number TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    started_us INTEGER,
    finished_us INTEGER,
    result TEXT,
    version TEXT,
    commit_sha TEXT,
    repo TEXT,
    pull TEXT,
    prow_url TEXT,
    source TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    ingested_us INTEGER NOT NULL,
    warnings INTEGER NOT NULL DEFAULT 0,
    report TEXT NOT NULL,
    UNIQUE (job_id, number)
  );
  INSERT INTO builds_v4 (id, job_id, number, sort_key, started_us, finished_us, result, source, content_hash,
                         ingested_us, warnings, report)
    SELECT id, job_id, CAST(number AS TEXT),
           printf('%017d:%019d', max(coalesce(started_us, 0), 0), number),
           started_us, finished_us, result, source, content_hash, ingested_us, warnings, report
    FROM builds;
  DROP TABLE builds;
  ALTER TABLE builds_v4 RENAME TO builds;
  CREATE INDEX builds_by_order ON builds (job_id, sort_key);

  DROP INDEX runs_by_series_build;
  ALTER TABLE runs DROP COLUMN build_number;
  ALTER TABLE runs ADD COLUMN build TEXT;
  ALTER TABLE runs ADD COLUMN build_key TEXT;
  UPDATE runs SET build = (SELECT number FROM builds b WHERE b.id = runs.build_id),
                  build_key = (SELECT sort_key FROM builds b WHERE b.id = runs.build_id);
  CREATE INDEX runs_by_series_build ON runs (series_id, build_key);

  CREATE TABLE chart_points_v4 (
    series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    metric TEXT NOT NULL,
    build_key TEXT NOT NULL,
    build TEXT NOT NULL,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    started_us INTEGER,
    unit TEXT NOT NULL,
    stats TEXT NOT NULL,
    top REAL,
    PRIMARY KEY (series_id, metric, build_key)
  ) WITHOUT ROWID;
  INSERT INTO chart_points_v4 (series_id, metric, build_key, build, run_id, started_us, unit, stats, top)
    SELECT c.series_id, c.metric, r.build_key, r.build, c.run_id, c.started_us, c.unit, c.stats, c.top
    FROM chart_points c JOIN runs r ON r.id = c.run_id;
  DROP TABLE chart_points;
  ALTER TABLE chart_points_v4 RENAME TO chart_points;
  CREATE INDEX chart_points_by_run ON chart_points (run_id);

  DROP TABLE change_points;
  CREATE TABLE change_points (
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    test_id INTEGER NOT NULL REFERENCES tests(id),
    node_config_id INTEGER NOT NULL REFERENCES node_configs(id),
    metric TEXT NOT NULL,
    stat TEXT NOT NULL,
    build TEXT NOT NULL,
    previous_build TEXT,
    before REAL NOT NULL,
    after REAL NOT NULL,
    change REAL,
    p_value REAL NOT NULL,
    regression INTEGER NOT NULL,
    PRIMARY KEY (job_id, test_id, node_config_id, metric, stat, build)
  ) WITHOUT ROWID;
  DELETE FROM change_point_state;

  CREATE TABLE probe_events_v4 (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    probe TEXT NOT NULL,
    pod TEXT,
    uid TEXT,
    instance INTEGER NOT NULL DEFAULT 0,
    t_us INTEGER NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('test', 'kubelet', 'span')),
    line INTEGER,
    offset INTEGER
  );
  INSERT INTO probe_events_v4 (id, run_id, probe, pod, uid, instance, t_us, source)
    SELECT id, run_id, probe, pod, uid, instance, t_us, source FROM probe_events;
  DROP TABLE probe_events;
  ALTER TABLE probe_events_v4 RENAME TO probe_events;
  CREATE INDEX probe_events_by_run ON probe_events (run_id, probe, t_us);
  `,
  // 5: the OpenTelemetry spans of each run's pods, for a pod's waterfall
  // (their probes are probe_events with source 'span').
  `
  CREATE TABLE pod_spans (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    pod TEXT NOT NULL,
    uid TEXT,
    instance INTEGER NOT NULL DEFAULT 0,
    trace_id TEXT NOT NULL,
    span_id TEXT NOT NULL,
    parent_span_id TEXT,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    service TEXT,
    start_us INTEGER NOT NULL,
    end_us INTEGER NOT NULL,
    depth INTEGER NOT NULL,
    error INTEGER NOT NULL,
    attributes TEXT NOT NULL,
    line INTEGER
  );
  CREATE INDEX pod_spans_by_pod ON pod_spans (run_id, pod, instance, start_us);
  `,
  // 6: builds read from a bucket, with the objects they were read from
  // (name, generation or ETag, size) and their signature, so that an
  // unchanged build is skipped without downloading and `kpd reingest` reads
  // the same objects from the cache; content_hash is the hash of what was
  // read, to tell whether the builds row still holds it or another source (an
  // upload) wrote the build. sync_jobs holds each followed job's last sync:
  // when, its outcome and error, and its links.
  `
  CREATE TABLE remote_builds (
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    build TEXT NOT NULL,
    url TEXT NOT NULL,
    signature TEXT NOT NULL,
    objects TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    checked_us INTEGER NOT NULL,
    PRIMARY KEY (job_id, build)
  ) WITHOUT ROWID;

  CREATE TABLE sync_jobs (
    job TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    display_name TEXT,
    prow_url TEXT,
    artifacts_url TEXT,
    started_us INTEGER,
    finished_us INTEGER,
    outcome TEXT CHECK (outcome IN ('ok', 'partial', 'failed')),
    error TEXT,
    new_builds INTEGER NOT NULL DEFAULT 0,
    failed_builds INTEGER NOT NULL DEFAULT 0,
    last_ok_us INTEGER
  );
  `,
  // 7: alerts: the change points at one build of one run (job x test x node
  // config), with their triage state. Keyed by the run and the build, not by
  // the change points, which are recomputed whenever builds change; a row
  // whose change points are gone is kept (its state comes back with them),
  // and one whose change moved a build or two is moved with it
  // (lib/queries/alerts.ts). Alerts of change points stored before this
  // migration start as new.
  `
  CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    test_id INTEGER NOT NULL REFERENCES tests(id),
    node_config_id INTEGER NOT NULL REFERENCES node_configs(id),
    build TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'acknowledged', 'invalid', 'fixed')),
    note TEXT,
    set_by TEXT,
    set_us INTEGER,
    found_us INTEGER NOT NULL,
    UNIQUE (job_id, test_id, node_config_id, build)
  );
  INSERT INTO alerts (job_id, test_id, node_config_id, build, found_us)
    SELECT DISTINCT job_id, test_id, node_config_id, build, CAST(unixepoch('subsec') * 1000000 AS INTEGER) FROM change_points;
  `,
];
