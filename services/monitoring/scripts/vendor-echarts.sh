#!/usr/bin/env bash
# Vendors Apache ECharts into the dashboard's static folder from the npm registry (run once per
# upgrade; the result is committed, so nothing is fetched at build or run time and no CDN is used).
#   services/monitoring/scripts/vendor-echarts.sh [version]
set -euo pipefail
VERSION="${1:-6.1.0}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATIC="$HERE/src/fupin_monitoring/static"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm pack "echarts@$VERSION" >/dev/null && tar xzf "echarts-$VERSION.tgz")
cp "$WORK/package/dist/echarts.min.js" "$STATIC/echarts.min.js"
cp "$WORK/package/LICENSE" "$STATIC/echarts.LICENSE.txt"
[[ -f "$WORK/package/NOTICE" ]] && cp "$WORK/package/NOTICE" "$STATIC/echarts.NOTICE.txt"
echo "echarts $VERSION vendored: $(sha256sum "$STATIC/echarts.min.js")"
