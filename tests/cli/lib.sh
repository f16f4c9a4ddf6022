# lib.sh - the assertion kit of the CLI test scripts; source it after
# setting Q (the quarry executable) and SRC (the source tree).
#
# Makes a temporary directory $T (removed on exit) and counts passes and
# fails; a script ends by printing them and exiting non-zero on a fail.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
passes=0
ok() { passes=$((passes + 1)); }
no() { fails=$((fails + 1)); echo "FAILED: $*" >&2; }

# expect_rc RC CMD...: run, keep stdout/stderr in $T/out, $T/err
expect_rc() {
    want=$1; shift
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else
        no "exit $got, wanted $want: $*"; sed 's/^/    /' "$T/err" "$T/out" | head -20 >&2
    fi
}
has() { # has FILE REGEX
    if grep -Eq -- "$2" "$1"; then ok; else no "$1 lacks /$2/:"; sed 's/^/    /' "$1" | head -20 >&2; fi
}
