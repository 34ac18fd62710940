// Command treecpu runs a command and reports the CPU time of every process it starts.
//
//	treecpu -o FILE [-grace SECONDS] -- command [args...]
//
// It makes itself a child subreaper (Linux prctl PR_SET_CHILD_SUBREAPER), so every descendant
// whose parent ends without waiting for it — a plugin the engine stops and leaves, a process in
// a process group of its own, a daemon — is handed to it instead of to init, and it waits for
// them all. The rusage of every process it waits for includes the descendants that process
// waited for itself, so each process's CPU is counted exactly once. GNU time counts only what
// the command's own process tree waited for.
//
// When the command has exited, descendants still running get -grace seconds (default 10) to
// end and are then killed; their CPU up to then is counted. The command's exit status is
// treecpu's. FILE gets one line: "user_ms system_ms max_rss_kb processes", where max_rss_kb is
// the largest peak of any one process.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const prSetChildSubreaper = 36

type totals struct {
	user, sys time.Duration
	maxRSS    int64
	processes int
}

func (t *totals) add(ru *syscall.Rusage) {
	t.user += time.Duration(ru.Utime.Nano())
	t.sys += time.Duration(ru.Stime.Nano())
	if ru.Maxrss > t.maxRSS {
		t.maxRSS = ru.Maxrss
	}
	t.processes++
}

// reap waits for any descendant; it returns the pid (0 when none has ended yet, -1 when none is left).
func reap(t *totals, block bool) (int, syscall.WaitStatus) {
	var status syscall.WaitStatus
	var ru syscall.Rusage
	options := 0
	if !block {
		options = syscall.WNOHANG
	}
	pid, err := syscall.Wait4(-1, &status, options, &ru)
	if errors.Is(err, syscall.EINTR) {
		return 0, status
	}
	if err != nil {
		return -1, status
	}
	if pid > 0 {
		t.add(&ru)
	}
	return pid, status
}

// descendants lists the pids below root in the process tree (from /proc).
func descendants(root int) []int {
	children := map[int][]int{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, file := range stats {
		data, err := os.ReadFile(file)
		if err != nil {
			continue // it ended meanwhile
		}
		text := string(data)
		fields := strings.Fields(text[strings.LastIndexByte(text, ')')+1:])
		pid, err1 := strconv.Atoi(filepath.Base(filepath.Dir(file)))
		if len(fields) < 2 || err1 != nil {
			continue
		}
		if ppid, err := strconv.Atoi(fields[1]); err == nil {
			children[ppid] = append(children[ppid], pid)
		}
	}
	var out []int
	queue := []int{root}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		for _, c := range children[pid] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

func main() {
	out := flag.String("o", "", "the file that gets the totals")
	grace := flag.Float64("grace", 10, "seconds descendants may run on after the command exits")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: treecpu -o FILE [-grace SECONDS] -- command [args...]")
		os.Exit(2)
	}
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); errno != 0 {
		fmt.Fprintf(os.Stderr, "treecpu: prctl(PR_SET_CHILD_SUBREAPER): %v\n", errno)
		os.Exit(2)
	}
	signal.Ignore(syscall.SIGINT, syscall.SIGQUIT)
	cmd := exec.Command(flag.Arg(0), flag.Args()[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "treecpu: %v\n", err)
		os.Exit(2)
	}
	var t totals
	code := 0
	for {
		pid, status := reap(&t, true)
		if pid == cmd.Process.Pid {
			code = status.ExitStatus()
			if status.Signaled() {
				code = 128 + int(status.Signal())
			}
			break
		}
		if pid < 0 {
			break
		}
	}
	deadline := time.Now().Add(time.Duration(*grace * float64(time.Second)))
	for {
		pid, _ := reap(&t, false)
		if pid < 0 {
			break
		}
		if pid == 0 {
			if time.Now().After(deadline) {
				// Whatever is left is killed and then waited for (its CPU so far counted).
				for _, d := range descendants(os.Getpid()) {
					_ = syscall.Kill(d, syscall.SIGKILL)
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	line := fmt.Sprintf("%d %d %d %d\n", t.user.Milliseconds(), t.sys.Milliseconds(), t.maxRSS, t.processes)
	if err := os.WriteFile(*out, []byte(line), 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "treecpu: %v\n", err)
		os.Exit(2)
	}
	os.Exit(code)
}
