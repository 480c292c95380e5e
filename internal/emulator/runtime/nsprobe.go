package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// nsProbeTimeout bounds the probe NewShell runs; a working probe takes
// milliseconds.
const nsProbeTimeout = 20 * time.Second

// probeNamespaces reports whether this host lets the emulator run shell
// commands in a private mount namespace with the session dir at /mnt/data,
// and whether in a PID namespace too (pid mode). It checks the tools, then
// runs the real prelude on a scratch dir, in pid mode and, if that fails,
// without, and requires the command to see a marker file at /mnt/data and
// to run there.
// Any failure (not Linux, no mount(8), user namespaces disabled by sysctl,
// seccomp or an AppArmor policy, /mnt missing, ...) returns the reason.
func probeNamespaces(bash string, life *lifeline) (*nsTools, error) {
	if !canMountNS {
		return nil, errors.New("mount namespaces need Linux")
	}
	t, err := findNSTools()
	if err != nil {
		return nil, err
	}
	dir, err := newProbeDir()
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	t.life = life
	// pid mode where the host allows it, else the mount namespace alone.
	t.pid = true
	if t.pidErr = t.probe(bash, dir); t.pidErr == nil {
		return t, nil
	}
	t.pid = false
	if err := t.probe(bash, dir); err != nil {
		return nil, err
	}
	return t, nil
}

// findNSTools looks the prelude's programs up in PATH, once, so that a
// changed PATH cannot change what the prelude runs later.
func findNSTools() (*nsTools, error) {
	var t nsTools
	for _, p := range []struct {
		name string
		dst  *string
	}{{"mount", &t.mount}, {"mkdir", &t.mkdir}} {
		path, err := exec.LookPath(p.name)
		if err == nil {
			path, err = filepath.Abs(path)
		}
		if err != nil {
			return nil, err
		}
		*p.dst = path
	}
	return &t, nil
}

// newProbeDir makes a scratch session dir holding the marker file the probe
// looks for; the caller removes it.
func newProbeDir() (string, error) {
	dir, err := os.MkdirTemp("", "azsessions-nsprobe-")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "probe"), nil, 0o644); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// probe runs the real prelude once with dir as the session dir and
// requires the command to see the marker file at /mnt/data and to run
// there.
func (t *nsTools) probe(bash, dir string) error {
	statusR, statusW, err := os.Pipe()
	if err != nil {
		return err
	}
	cmd := t.command(bash, dir, []string{bash, "-c", `test -f /mnt/data/probe && pwd`})
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.ExtraFiles = t.files(statusW)
	cmd.WaitDelay = drainGrace
	g, err := startGroup(cmd)
	statusW.Close()
	if err != nil {
		statusR.Close()
		return fmt.Errorf("start: %w", err)
	}
	waitOrKill(context.Background(), g, nsProbeTimeout)
	st := readNSStatus(statusR)
	switch {
	case g.killedFor() == killedTimeout:
		return errors.New("probe timed out")
	case st.setupErr != nil:
		return st.setupErr
	case g.state.ExitCode() != 0 || stdout.String() != sandboxDir+"\n":
		return fmt.Errorf("probe: exit %d, stdout %q, stderr %q", g.state.ExitCode(), stdout.String(), stderr.String())
	}
	return nil
}
