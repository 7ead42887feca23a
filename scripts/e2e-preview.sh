#!/usr/bin/env bash
# e2e-preview.sh: the preview page's browser test (docs/preview.md).
#
# Runs `mixdown watch -serve` on a small generated mix, opens the page in
# Debian's headless Chromium driven by playwright-core, edits the mix file
# and checks that the page shows the new loudness and the changed
# parameter within seconds, that A/B switches between the previous and the
# current render, and that a broken edit shows its diagnostic. Screenshots
# and a log go to $E2E_ARTIFACTS (default .ci/artifacts/, git-ignored).
#
#     scripts/e2e-preview.sh
#
# It installs what it needs, once:
#   - chromium (and nodejs, npm when missing) with apt-get: needs root or
#     password-less sudo, and the network;
#   - playwright-core $PLAYWRIGHT_VERSION from npm into a cache folder outside
#     the repository: $MIXDOWN_E2E_CACHE, default ~/.cache/mixdown-e2e.
# MIXDOWN=path tests that binary instead of building ./cmd/mixdown.
# Only when installing is impossible (no apt-get, not root, no network) does
# it skip, and then it says so loudly; every other problem fails (exit 1).
# .ci/run calls it. A first run takes a couple of minutes (the install);
# later runs take seconds. The whole script is bounded at 9 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

# playwright-core 1.61 is the newest that still runs on Debian 12's Node.js
# 18; it drives Chromium through the DevTools protocol, so Debian's current
# Chromium works with it.
PLAYWRIGHT_VERSION=1.61.1
CACHE=${MIXDOWN_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mixdown-e2e}
ARTIFACTS=${E2E_ARTIFACTS:-$PWD/.ci/artifacts}
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
DEADLINE=$((SECONDS + 540))

skip() {
  {
    echo
    echo "##########################################################################"
    echo "## SKIPPED: the preview page's browser test (scripts/e2e-preview.sh)"
    echo "## did NOT run: $*"
    echo "## Run it where apt-get can install packages (root, network):"
    echo "##     scripts/e2e-preview.sh"
    echo "##########################################################################"
    echo
  } >&2
  exit 0
}

left() { echo $((DEADLINE - SECONDS)); }

# 1. Debian packages: chromium, and node/npm when the machine has none.
need=()
[ -x "$CHROMIUM" ] || need+=(chromium fonts-liberation)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "== e2e-preview: installing ${need[*]} (apt-get)"
  command -v apt-get >/dev/null 2>&1 || skip "no apt-get to install ${need[*]}"
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      skip "not root (and no password-less sudo) to apt-get install ${need[*]}"
    fi
  fi
  if ! timeout "$(left)" "${sudo[@]}" apt-get update -qq; then
    skip "apt-get update failed: no network or no package mirror"
  fi
  DEBIAN_FRONTEND=noninteractive timeout "$(left)" "${sudo[@]}" \
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
[ -x "$CHROMIUM" ] || { echo "e2e-preview: $CHROMIUM is missing after the install" >&2; exit 1; }
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
  echo "e2e-preview: Node.js $(node --version) is too old for playwright-core $PLAYWRIGHT_VERSION (needs 18+)" >&2
  exit 1
fi

# 2. playwright-core, pinned, in the cache folder.
have=$(node -p "try { require('$CACHE/node_modules/playwright-core/package.json').version } catch { '' }" 2>/dev/null || true)
if [ "$have" != "$PLAYWRIGHT_VERSION" ]; then
  echo "== e2e-preview: installing playwright-core@$PLAYWRIGHT_VERSION into $CACHE"
  mkdir -p "$CACHE"
  if ! timeout 60 npm ping >/dev/null 2>&1; then
    skip "the npm registry is unreachable (no network?) to install playwright-core"
  fi
  # The browser is Debian's: playwright-core downloads none.
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 timeout "$(left)" npm install --prefix "$CACHE" --no-save --no-audit --no-fund \
    --loglevel=error "playwright-core@$PLAYWRIGHT_VERSION"
fi

# 3. mixdown and the test mix, in a temporary folder.
work=$(mktemp -d "${TMPDIR:-/tmp}/mixdown-e2e-preview.XXXXXX")
trap 'rm -rf "$work"' EXIT
mixdown=${MIXDOWN:-}
if [ -z "$mixdown" ]; then
  echo "== e2e-preview: building mixdown"
  go build -o "$work/mixdown" ./cmd/mixdown
  mixdown=$work/mixdown
fi
go run ./scripts/e2e-preview/genmix "$work/mix"

# 4. The browser test.
echo "== e2e-preview: Chromium $("$CHROMIUM" --version 2>/dev/null | awk '{print $2}'), playwright-core $PLAYWRIGHT_VERSION, Node.js $(node --version)"
mkdir -p "$ARTIFACTS"
PLAYWRIGHT_DIR="$CACHE" timeout "$(left)" node scripts/e2e-preview/e2e.mjs "$mixdown" "$work/mix" "$ARTIFACTS"
echo "== e2e-preview: ok (screenshots in $ARTIFACTS)"
