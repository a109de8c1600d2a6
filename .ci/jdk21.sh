# Sourced by .ci/run, ./demo and ./bench: pipekit needs Java 21+. Where the default java is older
# (these build machines default to 17 and carry a Temurin JDK beside it), point JAVA_HOME at the
# newest JDK >= 21 found under /usr/lib/jvm. A JAVA_HOME that is already 21+ is kept.
java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'; }
_pk_java="${JAVA_HOME:+$JAVA_HOME/bin/java}"; _pk_java="${_pk_java:-$(command -v java || true)}"
if [ -z "$_pk_java" ] || [ "$(java_major "$_pk_java")" -lt 21 ] 2>/dev/null; then
  for jdk in $(ls -d /usr/lib/jvm/* 2>/dev/null | sort -Vr); do
    if [ -x "$jdk/bin/java" ] && [ "$(java_major "$jdk/bin/java")" -ge 21 ] 2>/dev/null; then export JAVA_HOME="$jdk"; break; fi
  done
fi
if [ -n "${JAVA_HOME:-}" ]; then export PATH="$JAVA_HOME/bin:$PATH"; fi
