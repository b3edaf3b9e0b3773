package suspension

import (
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
)

// lockRows locks the selected rows for the rest of the transaction (SELECT
// ... FOR UPDATE), so that a concurrent delete or move cannot change them
// between the checks and the writes (transactions run at READ COMMITTED on
// MariaDB, see internal/txn). SQLite lets one transaction write at a time.
func lockRows(s *sql.Selector) {
	if s.Dialect() != dialect.SQLite {
		s.ForUpdate()
	}
}
