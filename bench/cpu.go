package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuClock reads CPU time consumed so far: this process (server, baseline
// and clients) and, when the database server runs on this machine
// (mariadbd, mysqld), the database's. The database side is what tells a
// query shape from Go overhead: the same answer costs the baseline and the
// server different database time only through the statements they send.
type cpuClock struct{ dbPID int }

func newCPUClock(dialect string) cpuClock {
	c := cpuClock{}
	if dialect != "mysql" {
		return c
	}
	dirs, _ := filepath.Glob("/proc/[0-9]*/comm")
	for _, p := range dirs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		switch strings.TrimSpace(string(b)) {
		case "mariadbd", "mysqld":
			c.dbPID, _ = strconv.Atoi(filepath.Base(filepath.Dir(p)))
			return c
		}
	}
	return c
}

// read returns the CPU time of this process and of the database server (0
// when it is not local).
func (c cpuClock) read() (self, db time.Duration) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if c.dbPID == 0 {
		return self, 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(c.dbPID) + "/stat")
	if err != nil {
		return self, 0
	}
	// Fields after the command (which may hold spaces): utime is the 14th
	// field of the line, stime the 15th, in clock ticks (100 per second on
	// Linux).
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		f := strings.Fields(s[i+1:])
		if len(f) > 13 {
			ut, _ := strconv.ParseInt(f[11], 10, 64)
			st, _ := strconv.ParseInt(f[12], 10, 64)
			db = time.Duration(ut+st) * 10 * time.Millisecond
		}
	}
	return self, db
}
