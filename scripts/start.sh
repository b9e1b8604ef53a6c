#!/usr/bin/env bash
# Sets up and starts VoiceAgent on its embedded default (espeak-ng voice, no model files).
# Extra arguments go to the server, e.g. --Sip:Port=5070 --urls=http://127.0.0.1:8080
# Relative paths in them (Tts:ModelPath, Storage:Sqlite:Path, ...) are relative to the directory
# you run this from: the server runs there, not in the repository.
set -euo pipefail
caller="$PWD"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
echo "==> Building VoiceAgent (Release)"
dotnet build src/VoiceAgent.Host -c Release --no-restore --verbosity quiet -nologo
echo "==> Starting VoiceAgent: SIP on UDP and TCP port 5060 by default, HTTP on http://127.0.0.1:8080"
cd "$caller"
# The built program itself, not `dotnet run`: it keeps this working directory, and Ctrl-C / SIGTERM reach it directly.
exec "$root/src/VoiceAgent.Host/bin/Release/net10.0/VoiceAgent.Host" "$@"
