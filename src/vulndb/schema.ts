/** The tables a build starts from (DbWriter.finish then drops the staging table and runs ANALYZE; see schema-check.ts). */
export const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE advisory (id TEXT PRIMARY KEY, folder TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE advisory_staging (id TEXT PRIMARY KEY, package_key TEXT NOT NULL, folder TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE affected (ecosystem TEXT NOT NULL, name TEXT NOT NULL, advisory_id TEXT NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY (ecosystem, name, advisory_id, seq)) WITHOUT ROWID;
CREATE TABLE ecosystem_count (folder TEXT PRIMARY KEY, records INTEGER NOT NULL, skipped INTEGER NOT NULL, withdrawn INTEGER NOT NULL);
CREATE TABLE cve_cvss (cve TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE cve_fact (cve TEXT NOT NULL, advisory_id TEXT NOT NULL, folder TEXT NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY (cve, advisory_id)) WITHOUT ROWID;
CREATE TABLE kev (cve TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE epss (cve TEXT PRIMARY KEY, score REAL NOT NULL, percentile REAL NOT NULL);
`;
