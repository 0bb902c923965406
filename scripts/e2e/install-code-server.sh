#!/usr/bin/env bash
# Installs (or re-uses) what the real-VS-Code e2e tests need: Debian's chromium, ripgrep and the
# build libraries of code-server's native modules (apt-get), and code-server itself (npm).
#
# code-server is VS Code (1.100.3) as a server plus its web workbench, published on npm and built
# for Node 20, so it installs offline-friendly from the npm registry alone; @vscode/test-electron
# would download a VS Code build from a CDN instead (see shared/docs/real-vscode.md).
#
# The install lives outside the repository, in $PYDOCKERFILE_CODE_SERVER_DIR (default
# ~/.cache/pydockerfile-code-server), and is re-used when its completion marker matches this
# code-server version and this Node ABI; anything else (absent, half-installed, other version)
# is wiped and installed again. Prints the code-server entry point on its last line.
#
# Usage: bash scripts/e2e/install-code-server.sh [--print-entry]
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
CS="${PYDOCKERFILE_CODE_SERVER_DIR:-$HOME/.cache/pydockerfile-code-server}"
ENTRY="$CS/node_modules/code-server/out/node/entry.js"
VSCODE_DIR="$CS/node_modules/code-server/lib/vscode"
# Native modules are built for one Node ABI: a new Node major needs a new install.
MARKER_TEXT="code-server=$CODE_SERVER_VERSION node-abi=$(node -p process.versions.modules)"
MARKER="$CS/.pydockerfile-install-complete"

# fonts-liberation: readable text in the screenshots even where chromium's recommends are off.
APT_PACKAGES=(chromium fonts-liberation ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config python3 make g++)

log() { printf '[install-code-server] %s\n' "$*" >&2; }

missing_apt_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  printf '%s\n' "${missing[@]}"
}

install_apt_packages() {
  mapfile -t missing < <(missing_apt_packages | sed '/^$/d')
  if [ "${#missing[@]}" -eq 0 ]; then
    log "apt packages present"
    return
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { log "need root or sudo to apt-get install: ${missing[*]}"; exit 1; }
    sudo=(sudo)
  fi
  log "apt-get install ${missing[*]}"
  # apt-cache knows nothing on a fresh machine until the lists are fetched once.
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

install_is_complete() {
  [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$MARKER_TEXT" ] && [ -f "$ENTRY" ] \
    && [ -L "$VSCODE_DIR/node_modules.asar" ] && [ -e "$VSCODE_DIR/node_modules/@vscode/ripgrep/bin/rg" ] \
    && node "$ENTRY" --version >/dev/null 2>&1
}

install_code_server() {
  log "installing code-server $CODE_SERVER_VERSION into $CS (a few minutes on 2 cores)"
  rm -rf "$CS"
  mkdir -p "$CS"
  cd "$CS"
  printf '{ "name": "pydockerfile-code-server", "private": true }\n' > package.json
  # --ignore-scripts: code-server's postinstall would fetch VS Code's dependencies its own way;
  # the steps below do the same from the npm registry only.
  npm install --no-audit --no-fund --ignore-scripts "code-server@$CODE_SERVER_VERSION" >&2
  cd "$VSCODE_DIR"
  npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2
  # @vscode/ripgrep downloads its binary at install time; Debian's rg does the same job.
  mkdir -p node_modules/@vscode/ripgrep/bin
  ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
  # Builds the native modules (node-pty, spdlog, watchers, kerberos…) against this Node.
  npm_config_yes=true npm rebuild >&2
  # VS Code's loader looks for node_modules.asar in packaged builds.
  ln -sfn node_modules node_modules.asar
  cd "$CS"
  npm_config_yes=true npm rebuild argon2 >&2
  node "$ENTRY" --version >/dev/null
  printf '%s' "$MARKER_TEXT" > "$MARKER"
}

started=$(date +%s)
install_apt_packages
if install_is_complete; then
  log "re-using $CS ($MARKER_TEXT)"
else
  install_code_server
  log "installed in $(( $(date +%s) - started )) s"
fi
echo "$ENTRY"
