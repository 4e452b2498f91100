#!/usr/bin/env bash
# Regenerates the chart gallery in plots/ from the bundled scenarios:
#
#     bash plots/make-gallery.sh
#
# plots/<scenario>/ gets the charts of `nines run <scenario> --plots`, and
# plots/sweeps/ a few `nines sweep` runs (chart and CSV). Every run uses the
# scenario's own seed, so the gallery is the same on every machine.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
nines=target/release/nines

for file in scenarios/*.toml; do
    name=$(basename "$file" .toml)
    rm -rf "plots/$name"
    "$nines" run "$file" --plots "plots/$name" --quiet >/dev/null
    echo "plots/$name/"
done

rm -rf plots/sweeps
sweep() {
    "$nines" sweep "$@" --out plots/sweeps --quiet >/dev/null
}
# Two zones: how many instances until a zone outage no longer takes the tier down?
sweep scenarios/multi-az-web.toml --set components.web.count=3,4,5,6,8
# Two of three: the longer the repair, the more the redundancy is worth.
sweep scenarios/two-of-three.toml --set components.server.mttr=1h,4h,10h,1d,3d
# The lab: more instances cost more; which instance type needs them?
sweep scenarios/lab-web-app.toml --set groups.web.desired=2,3,4 --variant t3-micro --variant t3-nano --variant spot
echo "plots/sweeps/"

# The course lab's architecture, and its HTML report photographed by
# headless Chromium (Debian's package; skipped when it is not installed).
"$nines" diagram scenarios/lab-web-app.toml -o plots/lab-web-app/architecture.png --quiet
echo "plots/lab-web-app/architecture.png"
if command -v chromium >/dev/null 2>&1; then
    tmp=$(mktemp -d)
    "$nines" report scenarios/lab-web-app.toml -o "$tmp/lab.html" --quiet
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$tmp/profile" --hide-scrollbars --window-size=1280,1800 \
        --screenshot="$PWD/plots/report-screenshot.png" "file://$tmp/lab.html" >/dev/null 2>&1
    rm -rf "$tmp"
    echo "plots/report-screenshot.png"
fi
