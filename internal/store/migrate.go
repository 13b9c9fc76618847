package store

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations are applied in order, each once, each in its own transaction.
// Never edit a released migration: append a new one.
var migrations = []string{
	// 1: the initial schema.
	`
CREATE TABLE settings (
	key        TEXT PRIMARY KEY,
	value      TEXT NOT NULL,
	updated_at TEXT NOT NULL
);

-- One row per record imported from e-Boekhouden into OutSmart.
CREATE TABLE mappings (
	kind        TEXT NOT NULL,      -- relation | material | hourtype
	source_key  TEXT NOT NULL,      -- e-Boekhouden relation code or product code
	source_id   TEXT NOT NULL DEFAULT '', -- e-Boekhouden ID
	target_key  TEXT NOT NULL,      -- OutSmart debtor_number or code
	hash        TEXT NOT NULL,      -- content hash of what was last sent
	active      INTEGER NOT NULL DEFAULT 1,
	updated_at  TEXT NOT NULL,
	PRIMARY KEY (kind, source_key)
);

-- The export journal: one row per OutSmart work order that became (or is
-- becoming) an e-Boekhouden invoice.
CREATE TABLE exports (
	row_id          TEXT PRIMARY KEY,   -- OutSmart work order id
	order_number    TEXT NOT NULL,      -- OrderNr, printed on the invoice
	state           TEXT NOT NULL,
	relation_code   TEXT NOT NULL DEFAULT '',
	invoice_date    TEXT NOT NULL DEFAULT '',
	invoice_number  TEXT NOT NULL DEFAULT '',
	total_cents     INTEGER NOT NULL DEFAULT 0,
	data_hash       TEXT NOT NULL DEFAULT '',
	reason          TEXT NOT NULL DEFAULT '',
	attempts        INTEGER NOT NULL DEFAULT 0,
	created_at      TEXT NOT NULL,
	updated_at      TEXT NOT NULL
);
CREATE INDEX exports_state ON exports (state);

CREATE TABLE runs (
	id          INTEGER PRIMARY KEY,
	started_at  TEXT NOT NULL,
	finished_at TEXT NOT NULL DEFAULT '',
	trigger     TEXT NOT NULL DEFAULT '',
	outcome     TEXT NOT NULL DEFAULT '',   -- ok | attention | failed
	summary     TEXT NOT NULL DEFAULT ''
);

CREATE TABLE log (
	id         INTEGER PRIMARY KEY,
	time       TEXT NOT NULL,
	level      TEXT NOT NULL,              -- info | warning | error | attention
	message    TEXT NOT NULL,
	details    TEXT NOT NULL DEFAULT '',
	run_id     INTEGER REFERENCES runs(id),
	subject    TEXT NOT NULL DEFAULT ''    -- e.g. "werkbon WB26110" or "relatie 1002"
);
CREATE INDEX log_time ON log (time);

-- The run lock: at most one sync run per store, also across processes (the
-- tray app and a "koppeling sync --once" from a scheduled task).
CREATE TABLE run_lock (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	owner      TEXT NOT NULL,    -- host:pid
	expires_at TEXT NOT NULL
);
`,
	// 2: the journal keeps the exact reference an invoice carries (the work
	// order's unique id; empty for entries written before it did), and the
	// user's confirmation of a work order held as implausible.
	`
ALTER TABLE exports ADD COLUMN reference TEXT NOT NULL DEFAULT '';
ALTER TABLE exports ADD COLUMN needs_confirmation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE exports ADD COLUMN confirmed_hash TEXT NOT NULL DEFAULT '';
`,
	// 3: log lines as a message key with arguments (internal/message), so
	// they read in the window's language; message stays the Dutch text (the
	// only form of lines written before). A parked work order's reason and
	// fix as messages too (reason stays the Dutch text), and a run's summary
	// (summary stays the Dutch text). The attention list of records and
	// settings that need the user (work orders keep theirs in exports).
	`
ALTER TABLE log ADD COLUMN key TEXT NOT NULL DEFAULT '';
ALTER TABLE log ADD COLUMN args TEXT NOT NULL DEFAULT '';
ALTER TABLE exports ADD COLUMN reason_key TEXT NOT NULL DEFAULT '';
ALTER TABLE exports ADD COLUMN fix_key TEXT NOT NULL DEFAULT '';
ALTER TABLE exports ADD COLUMN reason_args TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN summary_key TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN summary_args TEXT NOT NULL DEFAULT '';

CREATE TABLE attention (
	kind        TEXT NOT NULL,              -- relation | material | hourtype | settings | login
	subject     TEXT NOT NULL,              -- the record's code, or the setting or service
	cause       TEXT NOT NULL DEFAULT '',   -- items with the same cause are retried together
	title_key   TEXT NOT NULL DEFAULT '',
	reason_key  TEXT NOT NULL DEFAULT '',
	fix_key     TEXT NOT NULL DEFAULT '',
	args        TEXT NOT NULL DEFAULT '',   -- JSON, shared by title, reason and fix
	skipped     INTEGER NOT NULL DEFAULT 0,
	updated_at  TEXT NOT NULL,
	PRIMARY KEY (kind, subject)
);
`,
	// 4: what is known of a large administration's master data (more
	// records than e-Boekhouden answers per request), and how far the
	// reading of it has come (engine/sweep.go).
	`
CREATE TABLE source_records (
	kind        TEXT NOT NULL,              -- relation | product
	code        TEXT NOT NULL,
	source_id   TEXT NOT NULL,
	search      TEXT NOT NULL,              -- the text the record is watched by (lower case)
	data        TEXT NOT NULL DEFAULT '',   -- JSON of the record when the engine needs it (products)
	seen_cycle  INTEGER NOT NULL,           -- the last watch cycle that read it
	PRIMARY KEY (kind, code)
);

CREATE TABLE sweeps (
	kind        TEXT PRIMARY KEY,
	state       TEXT NOT NULL,              -- JSON, the engine's
	updated_at  TEXT NOT NULL
);
`,
	// 5: the invoice overview: the customer an invoice was made for, and
	// the address e-Boekhouden was asked to e-mail it to (empty: not
	// e-mailed).
	`
ALTER TABLE exports ADD COLUMN customer_name TEXT NOT NULL DEFAULT '';
ALTER TABLE exports ADD COLUMN emailed_to TEXT NOT NULL DEFAULT '';
`,
	// 6 (issue 18, the preview): the export plan that waits for the user's approval before its
	// invoices are made (approval.go): at most one per link.
	`
CREATE TABLE export_approval (
	id          INTEGER PRIMARY KEY CHECK (id = 1),
	plan        TEXT NOT NULL,              -- JSON, the engine's plan (report.ExportPlan)
	plan_hash   TEXT NOT NULL,              -- what the plan's invoices are: equal plans, equal hash
	approved    INTEGER NOT NULL DEFAULT 0, -- the user chose Facturen aanmaken for this plan
	notified    INTEGER NOT NULL DEFAULT 0, -- the user was told this plan waits
	updated_at  TEXT NOT NULL
);
`,
	// 7 (issue 18, the invoice overview): what e-Boekhouden last said
	// about the payment of each invoice Koppeling made (invoicestatus.go).
	`
CREATE TABLE invoice_status (
	invoice_number TEXT PRIMARY KEY,
	known          INTEGER NOT NULL DEFAULT 0,  -- the amounts below are e-Boekhouden's
	booked         INTEGER NOT NULL DEFAULT -1, -- placed in the books: 1 yes, 0 no, -1 not known
	open_cents     INTEGER NOT NULL DEFAULT 0,
	paid_cents     INTEGER NOT NULL DEFAULT 0,
	total_cents    INTEGER NOT NULL DEFAULT 0,  -- e-Boekhouden's total incl. VAT from its open item; 0: not seen
	term_days      INTEGER NOT NULL DEFAULT 0,
	term_assumed   INTEGER NOT NULL DEFAULT 0,  -- the setting at the first check, not the invoice's own term
	pdf_url        TEXT NOT NULL DEFAULT '',
	customer       TEXT NOT NULL DEFAULT '',  -- the relation's company as e-Boekhouden's open item names it
	checked_at     TEXT NOT NULL DEFAULT ''
);
`,
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate store: %w", err)
	}
	var have int
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("migrate store: %w", err)
	}
	if have > len(migrations) {
		return fmt.Errorf("store schema version %d is newer than this program knows (%d): update Koppeling", have, len(migrations))
	}
	for v := have + 1; v <= len(migrations); v++ {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, migrations[v-1]); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, v, s.stamp())
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate store to version %d: %w", v, err)
		}
	}
	return nil
}
