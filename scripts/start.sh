#!/usr/bin/env bash
# Sets up and starts VoiceAgent on its embedded default (espeak-ng voice, no model files).
# Extra arguments go to the server, e.g. --Sip:Port=5070 --urls=http://127.0.0.1:8080
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "==> Building VoiceAgent (Release)"
dotnet build src/VoiceAgent.Host -c Release --no-restore --verbosity quiet -nologo
echo "==> Starting VoiceAgent: SIP on UDP and TCP port 5060 by default, HTTP on http://127.0.0.1:8080"
exec dotnet run --project src/VoiceAgent.Host -c Release --no-build -- "$@"
