#!/bin/bash
# The frontier of MODEL.md 9's channel strengths (docs/results.md): one `compare` of baseline, household-income
# and pilot per grid point of rent sharing ω x repression intensity χ (x loan-to-deposit ceiling), then the chart.
# Usage: tools/frontier/run.sh [firms] [replicates] [out]   (defaults 20000 10 runs/frontier)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
firms=${1:-20000}; reps=${2:-10}; out=${3:-runs/frontier}
cd "$root"
mkdir -p "$out"; out="$(cd "$out" && pwd)"
dotnet build src/AgentSim.Cli -c Release -v q -nologo >/dev/null
cli=src/AgentSim.Cli/bin/Release/net10.0/agentsim.dll
mkdir -p "$out"
for omega in 0.05 0.10 0.15; do for chi in 0.0 0.5 1.0; do for ceiling in 0.75 0.30; do
  point="$out/omega$omega-chi$chi-ceiling$ceiling"
  [ -f "$point/signature.parquet" ] && continue   # resume: finished points are kept
  echo "ω=$omega χ=$chi ceiling=$ceiling"
  dotnet "$cli" compare configs/baseline.yaml configs/household-income.yaml configs/pilot.yaml \
    --replicates "$reps" --firms "$firms" --out "$point" --force \
    --set wages.rent_sharing=$omega --set banking.repression_intensity=$chi \
    --set banking.loan_to_deposit_ceiling=$ceiling > "$point.log" 2>&1
done; done; done
cd "$here" && dotnet run -c Release -v q -- "$out" "$out/frontier.png"
