#!/usr/bin/env bash
# Install the system programs backprop-lab needs, when missing: Graphviz's `dot` always, and
# Debian's Chromium (for the browser tests) when called with --browser.
set -euo pipefail

need=()
command -v dot >/dev/null 2>&1 || need+=(graphviz)
if [ "${1:-}" = "--browser" ] && ! [ -x /usr/bin/chromium ]; then need+=(chromium); fi
[ ${#need[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
  if [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; then
    echo "Installing system packages: ${need[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    exit 0
  fi
fi
echo "backprop-lab needs the system packages ${need[*]}: install them (sudo apt-get install ${need[*]}; on macOS: brew install graphviz)" >&2
exit 1
