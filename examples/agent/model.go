package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// scriptedModel plays the model: it decides its next tool call from the
// result of the last one, as an LLM would, but from a script.
type scriptedModel struct {
	step          int
	hasMatplotlib bool
}

const csvData = `city,month,temp_c
Oslo,1,-4.3
Oslo,4,5.2
Oslo,7,17.1
Oslo,10,6.8
Lima,1,23.4
Lima,4,21.5
Lima,7,16.8
Lima,10,18.2
Nairobi,1,19.6
Nairobi,4,19.8
Nairobi,7,15.9
Nairobi,10,18.9
`

// The first attempt names the column "temperature": the CSV calls it
// "temp_c", so the code raises and the model must read the traceback.
const statsWrong = `import csv, statistics
rows = list(csv.DictReader(open('/mnt/data/temps.csv')))
by_city = {}
for r in rows:
    by_city.setdefault(r['city'], []).append(float(r['temperature']))
`

const statsFixed = `import csv, statistics
rows = list(csv.DictReader(open('/mnt/data/temps.csv')))
by_city = {}
for r in rows:
    by_city.setdefault(r['city'], []).append(float(r['temp_c']))
for city, t in sorted(by_city.items()):
    print(f"{city:8} mean {statistics.mean(t):5.1f}  min {min(t):5.1f}  max {max(t):5.1f}")
means = {c: round(statistics.mean(t), 2) for c, t in by_city.items()}
means
`

const chartMatplotlib = "```python\n" + `import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
cities = sorted(means)
plt.figure(figsize=(4, 2.5))
plt.bar(cities, [means[c] for c in cities], color='tab:orange')
plt.ylabel('mean °C')
plt.tight_layout()
plt.savefig('/mnt/data/chart.png', dpi=80)
plt.close('all')
print('saved /mnt/data/chart.png')
` + "```"

// chartStdlib draws the same bars into a PNG with zlib and struct only.
const chartStdlib = "```python\n" + `import zlib, struct
W, H, pad = 240, 120, 10
cities = sorted(means)
lo = min(0.0, min(means.values()))
hi = max(means.values())
px = [[(255, 255, 255)] * W for _ in range(H)]
bw = (W - pad * (len(cities) + 1)) // len(cities)
zero = H - pad - int((0 - lo) / (hi - lo) * (H - 2 * pad))
colours = [(230, 126, 34), (52, 152, 219), (46, 204, 113)]
for i, c in enumerate(cities):
    top = H - pad - int((means[c] - lo) / (hi - lo) * (H - 2 * pad))
    x0 = pad + i * (bw + pad)
    for y in range(min(top, zero), max(top, zero) + 1):
        for x in range(x0, x0 + bw):
            px[y][x] = colours[i % len(colours)]
for x in range(W):
    px[zero][x] = (0, 0, 0)
raw = b''.join(b'\x00' + bytes(v for p in row for v in p) for row in px)
def chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', W, H, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b'')
open('/mnt/data/chart.png', 'wb').write(png)
print('saved /mnt/data/chart.png,', len(png), 'bytes')
` + "```"

func (m *scriptedModel) next(last *agenttool.Result) (string, *toolCall) {
	m.step++
	switch m.step {
	case 1:
		return "Let me check what the sandbox has installed.", call(agenttool.ToolPoolInfo, map[string]any{})
	case 2:
		m.hasMatplotlib = last != nil && strings.Contains(last.Text, "matplotlib==")
		return "I'll upload the temperatures you gave me.", call(agenttool.ToolUploadFile, map[string]any{"path": "temps.csv", "content": csvData, "encoding": "text"})
	case 3:
		return "Now the mean, minimum and maximum per city.", call(agenttool.ToolRunPython, map[string]any{"code": statsWrong, "timeout_seconds": nil})
	case 4:
		if last == nil || !last.IsError || !strings.Contains(last.Text, "KeyError") {
			return "That should have failed; stopping.", nil
		}
		return "The run failed with KeyError: 'temperature'. The column must be called temp_c; fixing that.", call(agenttool.ToolRunPython, map[string]any{"code": statsFixed, "timeout_seconds": nil})
	case 5:
		if m.hasMatplotlib {
			return "matplotlib is installed: a bar chart of the means.", call(agenttool.ToolRunPython, map[string]any{"code": chartMatplotlib, "timeout_seconds": 60})
		}
		return "matplotlib is not installed, so I'll draw the bar chart as a PNG with the standard library.", call(agenttool.ToolRunPython, map[string]any{"code": chartStdlib, "timeout_seconds": 60})
	case 6:
		return "Let me see the files in the sandbox.", call(agenttool.ToolListFiles, map[string]any{"path": nil, "recursive": nil})
	case 7:
		return "And fetch the chart to look at it.", call(agenttool.ToolDownloadFile, map[string]any{"path": "/mnt/data/chart.png"})
	}
	if last != nil && len(last.Images) == 1 {
		return fmt.Sprintf("Here is the chart (%s). Lima is the warmest on average and Oslo the coldest and most variable.", last.Images[0].MIMEType), nil
	}
	return "I could not fetch the chart.", nil
}

func call(name string, args map[string]any) *toolCall {
	raw, err := json.Marshal(args)
	if err != nil {
		panic(err) // the script's own arguments are plain maps
	}
	return &toolCall{Name: name, Arguments: raw}
}
