// Package migrations holds the versioned SQL migrations of the database
// schema, one directory per dialect (mysql: MySQL 8+ and MariaDB 10.6+;
// sqlite), each with its atlas.sum checksum file. They are written by
// `go run ./internal/db/migrategen NAME` from the ent schema (ent/schema)
// and applied by internal/db (docs/migrations.md). Never edit an applied
// migration: add a new one.
package migrations

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing/fstest"

	"ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
)

//go:embed mysql/*.sql mysql/atlas.sum sqlite/*.sql sqlite/atlas.sum
var files embed.FS

// Path returns the directory, relative to this package, holding the
// migrations of dialect d (dialect.MySQL or dialect.SQLite).
func Path(d string) (string, error) {
	switch d {
	case dialect.MySQL:
		return "mysql", nil
	case dialect.SQLite:
		return "sqlite", nil
	}
	return "", fmt.Errorf("no migrations for dialect %q", d)
}

// Dir returns the migration directory of dialect d embedded in the binary.
// It is read-only.
func Dir(d string) (migrate.Dir, error) {
	p, err := Path(d)
	if err != nil {
		return nil, err
	}
	sub, err := fs.Sub(files, p)
	if err != nil {
		return nil, err
	}
	return FSDir{FS: sub}, nil
}

// FSDir is a read-only atlas migration directory over an fs.FS: the .sql
// files in its root, in name order, and its atlas.sum.
type FSDir struct{ fs.FS }

var _ migrate.Dir = FSDir{}

// WriteFile refuses: the directory is read-only.
func (FSDir) WriteFile(string, []byte) error {
	return errors.New("the embedded migration directory is read-only")
}

// Files returns the migration files in name (version) order.
func (d FSDir) Files() ([]migrate.File, error) {
	names, err := fs.Glob(d.FS, "*.sql")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	out := make([]migrate.File, 0, len(names))
	for _, n := range names {
		if strings.Contains(n, "/") {
			continue
		}
		b, err := fs.ReadFile(d.FS, n)
		if err != nil {
			return nil, err
		}
		out = append(out, migrate.NewLocalFile(path.Base(n), b))
	}
	return out, nil
}

// Checksum computes the atlas.sum content of the files.
func (d FSDir) Checksum() (migrate.HashFile, error) {
	fs, err := d.Files()
	if err != nil {
		return nil, err
	}
	return migrate.NewHashFile(fs)
}

// MemDir is a writable in-memory copy of a migration directory: what
// Diff writes goes into it (and into Written), never to disk.
type MemDir struct {
	files   map[string][]byte
	Written map[string][]byte // the files written since the copy, by name
}

var _ migrate.Dir = (*MemDir)(nil)

// Copy returns an in-memory copy of d (its .sql files and atlas.sum).
func Copy(d migrate.Dir) (*MemDir, error) {
	m := &MemDir{files: map[string][]byte{}, Written: map[string][]byte{}}
	all, err := d.Files()
	if err != nil {
		return nil, err
	}
	for _, f := range all {
		m.files[f.Name()] = f.Bytes()
	}
	f, err := d.Open(migrate.HashFileName)
	if err == nil {
		defer f.Close()
		b, err := io.ReadAll(f)
		if err != nil {
			return nil, err
		}
		m.files[migrate.HashFileName] = b
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return m, nil
}

// Open opens a file of the copy.
func (m *MemDir) Open(name string) (fs.File, error) {
	b, ok := m.files[name]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return fstest.MapFS{name: &fstest.MapFile{Data: b}}.Open(name)
}

// WriteFile writes a file into the copy.
func (m *MemDir) WriteFile(name string, b []byte) error {
	m.files[name] = slices.Clone(b)
	m.Written[name] = slices.Clone(b)
	return nil
}

// Files returns the .sql files of the copy in name order.
func (m *MemDir) Files() ([]migrate.File, error) {
	var names []string
	for n := range m.files {
		if strings.HasSuffix(n, ".sql") {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	out := make([]migrate.File, len(names))
	for i, n := range names {
		out[i] = migrate.NewLocalFile(n, m.files[n])
	}
	return out, nil
}

// Checksum computes the atlas.sum content of the copy's files.
func (m *MemDir) Checksum() (migrate.HashFile, error) {
	fs, err := m.Files()
	if err != nil {
		return nil, err
	}
	return migrate.NewHashFile(fs)
}
