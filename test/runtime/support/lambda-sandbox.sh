#!/usr/bin/env bash
# Runs AWS's Runtime Interface Emulator with the Java runtime interface client in a file system laid out as the
# managed java21 runtime's: the function's code read-only at /var/task (the working directory), the layers in
# /opt, the runtime client in /var/runtime/lib, the JDK at /var/lang, a private /tmp. Started by
# lambda-sandbox.ts under `unshare --mount --pid --fork`, so every mount here is private to this process tree
# and the whole tree dies with this script. It exits when its stdin closes: the emulator never outlives the test.
#
# Inputs (environment): SANDBOX (an empty folder to build in), CODE_DIR, LAYER_DIRS (colon-separated, in the
# template's order), JDK_HOME, RUNTIME_CLIENT_LIB, EMULATOR, FUNCTION_ENV (a file of NUL-separated KEY=VALUE: the
# function's whole environment), EMULATOR_ADDRESS, RUNTIME_API_ADDRESS; the JVM's options and the handler as
# arguments.
set -euo pipefail
exec 3<&0

root="$SANDBOX/root"
mkdir -p "$root" "$SANDBOX/tmp"

bind() { # bind <from> <to> [ro]
  mkdir -p "$2"
  mount --bind "$1" "$2"
  if [ "${3:-}" = ro ]; then mount -o remount,bind,ro "$2"; fi
}

# The host's system folders, so the JDK finds its libraries; merged-/usr symlinks are kept as symlinks.
for dir in usr etc bin sbin lib lib32 lib64 libx32; do
  if [ -L "/$dir" ]; then ln -s "$(readlink "/$dir")" "$root/$dir"
  elif [ -d "/$dir" ]; then bind "/$dir" "$root/$dir" ro
  fi
done
mkdir -p "$root/dev" "$root/proc" "$root/sys"
mount --rbind /dev "$root/dev"
mount --rbind /sys "$root/sys"
mount -t proc proc "$root/proc"
bind "$SANDBOX/tmp" "$root/tmp"
chmod 1777 "$root/tmp"

bind "$CODE_DIR" "$root/var/task" ro
IFS=: read -r -a layers <<< "${LAYER_DIRS:-}"
if [ "${#layers[@]}" -eq 1 ]; then
  bind "${layers[0]}" "$root/opt" ro
else
  # Several layers: extracted into /opt one after the other, a later layer's file winning, as Lambda does.
  mkdir -p "$root/opt"
  mount -t tmpfs tmpfs "$root/opt"
  for layer in "${layers[@]}"; do cp -R "$layer/." "$root/opt/"; done
  mount -o remount,ro "$root/opt"
fi
bind "$JDK_HOME" "$root/var/lang" ro
bind "$RUNTIME_CLIENT_LIB" "$root/var/runtime/lib" ro
bind "$(dirname "$EMULATOR")" "$root/var/rapid" ro

mapfile -d '' function_env < "$FUNCTION_ENV"

# The runtime client builds the function's class path itself, as in Lambda: the working directory (/var/task),
# /var/task/lib/*.jar and /opt/java/lib/*.jar.
chroot "$root" /usr/bin/env -i --chdir=/var/task "${function_env[@]}" \
  "/var/rapid/$(basename "$EMULATOR")" \
  --runtime-interface-emulator-address "$EMULATOR_ADDRESS" \
  --runtime-api-address "$RUNTIME_API_ADDRESS" \
  /var/lang/bin/java "$@" &
emulator=$!

# This script is process 1 of its PID namespace: when it exits, the kernel ends the emulator and the JVM too.
# (A background job's stdin is /dev/null, so the watcher reads the script's stdin through fd 3.)
( cat > /dev/null <&3; kill -TERM "$emulator" 2> /dev/null || true ) &
wait "$emulator"
