#!/usr/bin/env bash
# Debian packages the project needs; installs only what is missing (root or sudo).
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
# Maven fetches the OpenSearch test node's jars from Maven Central; the node runs on a JDK 21+ (OpenSearch 3)
command -v mvn >/dev/null || need+=(maven)
java21() {
  local home v
  for home in ${JAVA_HOME:-} /usr/lib/jvm/*; do
    [ -x "$home/bin/java" ] || continue
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
    [ "${v:-0}" -ge 21 ] && return 0
  done
  return 1
}
if ! java21; then
  if apt-cache show openjdk-21-jdk-headless >/dev/null 2>&1; then need+=(openjdk-21-jdk-headless)
  else echo "warning: no JDK 21+ found or installable; the index tests' OpenSearch node will not start" >&2; fi
fi
# emoji (❄️ 🍁 💊 are substance codes) must render in screenshots kept as evidence
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || need+=(fonts-noto-color-emoji)
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing Debian packages: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
