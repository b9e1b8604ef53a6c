#!/usr/bin/env bash
# Shared set-up of the README's two commands: installs the Debian packages VoiceAgent needs
# (when run as root; otherwise prints the exact command and stops) and restores NuGet packages.
set -euo pipefail
cd "$(dirname "$0")/.."

# Runtime libraries (P/Invoke) and the real peers the tests use.
packages=(libespeak-ng1 espeak-ng-data espeak-ng libopus0 libsoxr0 libspandsp2 baresip tshark sox libsndfile1 postgresql kamailio curl iproute2)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "==> Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # The tests start their own Kamailio; Debian's service would hold port 5060 on every address.
    if [[ " ${missing[*]} " == *" kamailio "* ]] && command -v systemctl >/dev/null 2>&1; then
      echo "==> Disabling the kamailio system service (the tests run their own)"
      systemctl disable --now kamailio >/dev/null 2>&1 || true
    fi
  else
    echo "==> Missing Debian packages: ${missing[*]}"
    echo "    Run as root:  sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
else
  echo "==> Debian packages present: ${packages[*]}"
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "==> The .NET 10 SDK is required (dotnet not found on PATH)." >&2
  exit 1
fi

echo "==> Restoring NuGet packages"
dotnet restore VoiceAgent.sln --verbosity quiet
