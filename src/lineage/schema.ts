/**
 * The lineage database schema as ordered migrations. `PRAGMA user_version` records how many
 * have been applied; each runs once, in a transaction. Documented for users in docs/lineage.md.
 */

/** One migration: never edit a released one, append a new one. */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const MIGRATIONS: ReadonlyArray<Migration> = [
  {
    version: 1,
    description: "runs, executions, cache entries, artifacts, edges, params, metrics, stat cache",
    sql: `
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  flow TEXT NOT NULL,
  flow_file TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running','succeeded','failed','cancelled')),
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  targets TEXT NOT NULL DEFAULT '[]',
  options TEXT NOT NULL DEFAULT '{}',
  user TEXT, host TEXT, pid INTEGER,
  executed INTEGER NOT NULL DEFAULT 0, cached INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0, cancelled INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runs_flow_started ON runs(flow, started_at);
CREATE INDEX runs_started ON runs(started_at);

CREATE TABLE executions (
  id INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs(id),
  flow TEXT NOT NULL,
  task TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running','succeeded','failed','cancelled','cached','skipped')),
  cache_key TEXT,
  fingerprint TEXT,
  ingredients TEXT,
  reason TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  duration_ms INTEGER,
  output_hash TEXT,
  source_execution_id INTEGER REFERENCES executions(id),
  error_tag TEXT,
  error_text TEXT,
  log_path TEXT
);
CREATE INDEX executions_run ON executions(run_id);
CREATE INDEX executions_flow_task ON executions(flow, task, id);
CREATE INDEX executions_key ON executions(cache_key);
CREATE INDEX executions_output ON executions(output_hash);

CREATE TABLE cache_entries (
  cache_key TEXT PRIMARY KEY,
  task TEXT NOT NULL,
  execution_id INTEGER NOT NULL REFERENCES executions(id),
  output_hash TEXT NOT NULL,
  value_hash TEXT,
  created_at INTEGER NOT NULL
);

CREATE TABLE artifacts (
  hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('blob','tree')),
  size INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE execution_inputs (
  execution_id INTEGER NOT NULL REFERENCES executions(id),
  kind TEXT NOT NULL CHECK (kind IN ('file','dep','env')),
  name TEXT NOT NULL,
  path TEXT,
  hash TEXT NOT NULL,
  size INTEGER,
  upstream_execution_id INTEGER REFERENCES executions(id)
);
CREATE INDEX execution_inputs_exec ON execution_inputs(execution_id);
CREATE INDEX execution_inputs_path ON execution_inputs(path);
CREATE INDEX execution_inputs_hash ON execution_inputs(hash);
CREATE INDEX execution_inputs_upstream ON execution_inputs(upstream_execution_id);

CREATE TABLE execution_outputs (
  execution_id INTEGER NOT NULL REFERENCES executions(id),
  name TEXT NOT NULL,
  path TEXT,
  hash TEXT NOT NULL,
  size INTEGER NOT NULL
);
CREATE INDEX execution_outputs_exec ON execution_outputs(execution_id);
CREATE INDEX execution_outputs_hash ON execution_outputs(hash);

CREATE TABLE params (
  execution_id INTEGER NOT NULL REFERENCES executions(id),
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (execution_id, name)
);

CREATE TABLE metrics (
  execution_id INTEGER NOT NULL REFERENCES executions(id),
  name TEXT NOT NULL,
  value REAL NOT NULL,
  step INTEGER,
  at INTEGER NOT NULL
);
CREATE INDEX metrics_exec ON metrics(execution_id, name);
CREATE INDEX metrics_name_value ON metrics(name, value);

CREATE TABLE tags (
  execution_id INTEGER NOT NULL REFERENCES executions(id),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (execution_id, key)
);

CREATE TABLE running_keys (
  cache_key TEXT PRIMARY KEY,
  run_id TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  started_at INTEGER NOT NULL
);

CREATE TABLE stat_cache (
  path TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  mtime_ns TEXT NOT NULL,
  ctime_ns TEXT NOT NULL,
  ino TEXT NOT NULL,
  hash TEXT NOT NULL,
  checked_at_ms INTEGER NOT NULL
);

CREATE TABLE code_cache (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`,
  },
  {
    version: 2,
    description: "model registry (models, versions, their metrics, aliases, append-only audit log) and tracking indexes",
    sql: `
CREATE TABLE models (
  name TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  latest_version INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE model_versions (
  model TEXT NOT NULL REFERENCES models(name),
  version INTEGER NOT NULL,
  artifact_hash TEXT NOT NULL,
  artifact_path TEXT,
  execution_id INTEGER NOT NULL REFERENCES executions(id),
  run_id TEXT NOT NULL REFERENCES runs(id),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (model, version)
);
CREATE INDEX model_versions_execution ON model_versions(execution_id);
CREATE INDEX model_versions_artifact ON model_versions(artifact_hash);

CREATE TABLE model_version_metrics (
  model TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (model, version, name),
  FOREIGN KEY (model, version) REFERENCES model_versions(model, version)
);

CREATE TABLE model_aliases (
  model TEXT NOT NULL,
  alias TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (model, alias, version),
  FOREIGN KEY (model, version) REFERENCES model_versions(model, version)
);
CREATE UNIQUE INDEX model_aliases_one_holder ON model_aliases(model, alias) WHERE alias <> 'archived';

CREATE TABLE model_audit (
  id INTEGER PRIMARY KEY,
  model TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('register','promote','rollback','refused')),
  alias TEXT,
  from_version INTEGER,
  to_version INTEGER,
  reason TEXT,
  user TEXT NOT NULL,
  host TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX model_audit_model ON model_audit(model, id);
CREATE TRIGGER model_audit_no_update BEFORE UPDATE ON model_audit
BEGIN SELECT RAISE(ABORT, 'model_audit is append-only'); END;
CREATE TRIGGER model_audit_no_delete BEFORE DELETE ON model_audit
BEGIN SELECT RAISE(ABORT, 'model_audit is append-only'); END;

CREATE INDEX executions_source ON executions(source_execution_id);
CREATE INDEX metrics_name_execution ON metrics(name, execution_id, value, step, at);
CREATE INDEX params_name ON params(name, execution_id);
`,
  },
  {
    version: 3,
    description: "run_metrics: each run's latest value of every metric, kept by triggers, for fast --where/--sort",
    sql: `
-- One row per (run, metric name): the value of the run's latest execution that logged it (highest
-- execution id, then step, then time). Cache hits count with the metrics of the execution they
-- restored. Triggers keep it current inside the writer's own transaction, so every writer
-- (engine, tests, other tools using the same schema) maintains it without knowing about it.
CREATE TABLE run_metrics (
  run_id TEXT NOT NULL,
  name TEXT NOT NULL,
  value REAL NOT NULL,
  task TEXT NOT NULL,
  execution_id INTEGER NOT NULL,
  step INTEGER NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (run_id, name)
) WITHOUT ROWID;
CREATE INDEX run_metrics_name_value ON run_metrics(name, value, run_id);

CREATE TRIGGER run_metrics_on_metric AFTER INSERT ON metrics
BEGIN
  INSERT INTO run_metrics (run_id, name, value, task, execution_id, step, at)
  SELECT e.run_id, NEW.name, NEW.value, e.task, e.id, COALESCE(NEW.step, -1), NEW.at FROM executions e WHERE e.id = NEW.execution_id
  ON CONFLICT (run_id, name) DO UPDATE SET value = excluded.value, task = excluded.task, execution_id = excluded.execution_id, step = excluded.step, at = excluded.at
  WHERE (excluded.execution_id, excluded.step, excluded.at) >= (run_metrics.execution_id, run_metrics.step, run_metrics.at);
END;

CREATE TRIGGER run_metrics_on_cache_hit AFTER INSERT ON executions WHEN NEW.source_execution_id IS NOT NULL
BEGIN
  INSERT INTO run_metrics (run_id, name, value, task, execution_id, step, at)
  SELECT NEW.run_id, m.name, m.value, NEW.task, NEW.id, COALESCE(m.step, -1), m.at FROM metrics m WHERE m.execution_id = NEW.source_execution_id
  ON CONFLICT (run_id, name) DO UPDATE SET value = excluded.value, task = excluded.task, execution_id = excluded.execution_id, step = excluded.step, at = excluded.at
  WHERE (excluded.execution_id, excluded.step, excluded.at) >= (run_metrics.execution_id, run_metrics.step, run_metrics.at);
END;

-- Backfill from what is already recorded, in the order the triggers would have seen it.
INSERT INTO run_metrics (run_id, name, value, task, execution_id, step, at)
SELECT e.run_id, m.name, m.value, e.task, e.id, COALESCE(m.step, -1), m.at
FROM executions e JOIN metrics m ON m.execution_id = COALESCE(e.source_execution_id, e.id)
WHERE true
ORDER BY e.id, COALESCE(m.step, -1), m.at, m.rowid
ON CONFLICT (run_id, name) DO UPDATE SET value = excluded.value, task = excluded.task, execution_id = excluded.execution_id, step = excluded.step, at = excluded.at
WHERE (excluded.execution_id, excluded.step, excluded.at) >= (run_metrics.execution_id, run_metrics.step, run_metrics.at);
`,
  },
  {
    version: 4,
    description: "small_objects: objects up to 4 KiB (trees, function results) stored as rows, not files",
    sql: `
-- Content-addressed like .cairn/objects: the key is the XXH3-128 hash of the bytes. Trees and
-- JSON values of function tasks are small and numerous; a row is ~20x cheaper to create than a file.
CREATE TABLE small_objects (
  hash TEXT PRIMARY KEY,
  bytes BLOB NOT NULL
) WITHOUT ROWID;
`,
  },
];
