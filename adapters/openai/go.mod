module github.com/seed-f3fa2c9d/azsessions/adapters/openai

go 1.26.0

require (
	github.com/openai/openai-go/v3 v3.98.0
	github.com/seed-f3fa2c9d/azsessions v0.1.0
)

require (
	github.com/Azure/azure-sdk-for-go/sdk/azcore v1.24.0 // indirect
	github.com/Azure/azure-sdk-for-go/sdk/internal v1.13.0 // indirect
	github.com/coder/websocket v1.8.15 // indirect
	github.com/tidwall/gjson v1.20.0 // indirect
	github.com/tidwall/match v1.1.1 // indirect
	github.com/tidwall/pretty v1.2.1 // indirect
	github.com/tidwall/sjson v1.2.5 // indirect
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)

// Inside this repository the adapter builds against the main module next to it.
replace github.com/seed-f3fa2c9d/azsessions => ../..
