#!/bin/bash
# Usage: tools/calibration-harness/run.sh eval [firms] [seeds] [firstSeed]  |  run.sh trace [firms] [rule] [seed]
set -e
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here" && dotnet build -c Release -v q -nologo 2>&1 | grep -E " error |rror\(s\)" | grep -v " 0 Error" || true
cd "$here/../.." && dotnet "$here/bin/Release/net10.0/calib.dll" "$@"
