#!/usr/bin/env bash
# Sets up and runs the whole test suite: unit tests and end-to-end tests with real peers
# (baresip calls the host over loopback, tshark reads the RTP).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "==> Building the solution"
dotnet build VoiceAgent.sln --no-restore --verbosity quiet -nologo
# Real-time calls are timing-sensitive on 2 cores: unit tests first, then the end-to-end calls alone.
echo "==> Running unit and integration tests"
dotnet test VoiceAgent.sln --no-build --verbosity quiet -nologo --logger "console;verbosity=normal" --filter "FullyQualifiedName!~EndToEnd" "$@"
echo "==> Running end-to-end calls (baresip, tshark)"
dotnet test tests/VoiceAgent.Host.Tests --no-build --verbosity quiet -nologo --logger "console;verbosity=normal" --filter "FullyQualifiedName~EndToEnd" "$@"
