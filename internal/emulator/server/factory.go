package server

import (
	"fmt"

	"github.com/seed-f3fa2c9d/azsessions/internal/emulator/runtime"
)

// newBuiltinFactory starts the runtime for cfg.PoolType.
func newBuiltinFactory(cfg Config) (runtime.Factory, error) {
	switch cfg.PoolType {
	case PoolTypePython:
		f, err := runtime.NewPython(runtime.PythonOptions{
			Python:           cfg.Python,
			Kernel:           cfg.PythonKernel,
			ReadySessions:    cfg.ReadySessions,
			MemoryLimitBytes: cfg.MemoryLimitBytes,
			DefaultTimeout:   cfg.DefaultExecutionTimeout,
		})
		if err != nil {
			return nil, fmt.Errorf("server: starting the Python runtime: %w", err)
		}
		return f, nil
	case PoolTypeShell:
		f, err := runtime.NewShell(runtime.ShellOptions{DefaultTimeout: cfg.DefaultExecutionTimeout})
		if err != nil {
			return nil, fmt.Errorf("server: starting the shell runtime: %w", err)
		}
		return f, nil
	}
	return nil, fmt.Errorf("server: no built-in runtime for pool type %q", cfg.PoolType)
}
