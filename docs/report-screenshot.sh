#!/usr/bin/env bash
# Regenerates docs/report.png, the README's picture of `tinbox report --html`: a throw-away
# store synced from the demo channel, a few replies (one as a teammate would sign it) and a
# follow-up, then the page drawn by headless Chromium (apt install chromium).
# Usage: docs/report-screenshot.sh [HEIGHT]   (from the repository's root; default 2700 px)
set -euo pipefail
cd "$(dirname "$0")/.."
height=${1:-2700}
cargo build --quiet
bin=$PWD/target/debug/tinbox
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TINBOX_CONFIG_DIR=$work/config TINBOX_DATA_DIR=$work/data
mkdir -p "$TINBOX_CONFIG_DIR"
printf 'user = "kim"\n\n[accounts.demo]\nchannel = "demo"\n' > "$TINBOX_CONFIG_DIR/config.toml"
"$bin" sync --once > /dev/null
mapfile -t ids < <("$bin" list --json | python3 -c 'import json,sys; [print(i["id"]) for i in json.load(sys.stdin)]')
for id in "${ids[@]:0:4}"; do "$bin" reply "$id" --text "Thanks, we are on it." --yes > /dev/null; done
"$bin" followup "${ids[4]}" --method phone --due 2h > /dev/null
"$bin" report --since 7d --html "$work/week.html" > /dev/null
chromium --headless --no-sandbox --hide-scrollbars --window-size="1000,$height" \
  --screenshot="$PWD/docs/report.png" "file://$work/week.html" 2> /dev/null
echo "Wrote docs/report.png (1000x$height)"
