#!/usr/bin/env bash
# Sets up and runs the whole test suite: unit tests and end-to-end tests with real peers
# (baresip calls the host over loopback, tshark reads the RTP).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "==> Building the solution"
dotnet build VoiceAgent.sln --no-restore --verbosity quiet -nologo
echo "==> Running all tests"
dotnet test VoiceAgent.sln --no-build --verbosity quiet -nologo "$@"
