#!/usr/bin/env bash
# Screenshots of public pages at phone and desktop width, with Debian's Chromium.
# Usage: docs/screenshots.sh (after `make demo`); writes docs/*.png.
set -euo pipefail
cd "$(dirname "$0")/.."

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "Chromium is missing: apt-get install chromium" >&2
  exit 1
fi

port=${SCREENSHOT_PORT:-8765}
DEBUG=1 .venv/bin/python manage.py runserver "127.0.0.1:$port" --noreload >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 1 50); do
  curl -fs "http://127.0.0.1:$port/" >/dev/null 2>&1 && break
  sleep 0.2
done

shoot() {  # name path width height
  "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --force-device-scale-factor=1 --window-size="$3,$4" \
    --screenshot="docs/$1.png" "http://127.0.0.1:$port$2" >/dev/null 2>&1
  echo "docs/$1.png"
}

shoot debate-phone /debates/kunduz-russia-taleban/ 360 3000
shoot debate-desktop /debates/kunduz-russia-taleban/ 1280 2000
shoot topic-desktop /topics/russia-taleban-alliance/ 1280 1400
shoot report-phone /reports/afghans-reject-russian-alliance-with-taleban/ 360 3200

# Dari and Pashto: the debate, topic and report pages at phone and desktop width.
for lang in fa ps; do
  shoot "debate-$lang-phone" "/$lang/debates/kunduz-russia-taleban/" 360 3400
  shoot "debate-$lang-desktop" "/$lang/debates/kunduz-russia-taleban/" 1280 2200
  shoot "topic-$lang-phone" "/$lang/topics/russia-taleban-alliance/" 360 2600
  shoot "topic-$lang-desktop" "/$lang/topics/russia-taleban-alliance/" 1280 1500
  shoot "report-$lang-phone" "/$lang/reports/afghans-reject-russian-alliance-with-taleban/" 360 3600
  shoot "report-$lang-desktop" "/$lang/reports/afghans-reject-russian-alliance-with-taleban/" 1280 2400
done
