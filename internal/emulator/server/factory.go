package server

import (
	"errors"

	"github.com/seed-f3fa2c9d/azsessions/internal/emulator/runtime"
)

// newBuiltinFactory starts the runtime for cfg.PoolType.
func newBuiltinFactory(cfg Config) (runtime.Factory, error) {
	return nil, errors.New("server: the built-in runtime is not available yet; set Config.Factory")
}
