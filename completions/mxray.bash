# bash completion for mxray                                  -*- shell-script -*-
# Installed as share/bash-completion/completions/mxray. Subcommands and options come from
# `mxray --help` and `mxray CMD --help`, scenario names from `mxray demo --list`, when TAB is
# pressed: they follow the binary being completed, new commands included.

# _mxray_bin - the mxray being completed (as typed, when it runs), else the one on PATH.
_mxray_bin() {
    local b=${COMP_WORDS[0]}
    b=${b/#\~/$HOME}
    if [[ -x $b || $(type -P -- "$b") ]]; then printf '%s\n' "$b"; else printf 'mxray\n'; fi
}

# _mxray_subcommands BIN - the words X of the "  mxray X ..." usage lines.
_mxray_subcommands() {
    "$1" --help 2>/dev/null | sed -n 's/^ *mxray \([a-z][a-z0-9-]*\).*/\1/p' | sort -u
}

# _mxray_options BIN [CMD] - every option its help mentions.
_mxray_options() {
    local bin=$1
    shift
    "$bin" "$@" --help 2>&1 | grep -oE -- '(^|[][ ,(|])--?[A-Za-z0-9][A-Za-z0-9-]*' |
        sed 's/^[][ ,(|]*//' | sort -u
}

# _mxray_value_options BIN [CMD] - the options that take a value ("--timeout SECONDS").
_mxray_value_options() {
    local bin=$1
    shift
    "$bin" "$@" --help 2>&1 | grep -oE -- '--[a-z][a-z0-9-]*[ =][A-Z]' | sed 's/[ =][A-Z]$//' |
        sort -u
}

# _mxray_scenarios BIN - the names `mxray demo --list` prints (first column, until the blank).
_mxray_scenarios() {
    "$1" demo --list 2>/dev/null | awk 'NR > 1 && NF == 0 { exit } NR > 1 { print $1 }'
}

# _mxray_lessons BIN - the names `mxray lesson --list` prints (first column).
_mxray_lessons() {
    "$1" lesson --list 2>/dev/null | awk 'NF { print $1 }'
}

_mxray() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local bin cmd="" cmd_at=0 i w
    bin=$(_mxray_bin)
    COMPREPLY=()
    # The subcommand: the first word that is neither an option nor an option's value.
    local values
    values=" $({ _mxray_value_options "$bin" check; _mxray_value_options "$bin" lab; } | tr '\n' ' ') "
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ $w == -* ]]; then
            [[ $values == *" $w "* ]] && ((i++))
            continue
        fi
        cmd=$w
        cmd_at=$i
        break
    done

    case $prev in
    --ca-file | --batch)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return 0
        ;;
    esac
    if [[ $prev == -* && $values == *" $prev "* ]]; then
        return 0 # a value nobody can guess (a resolver, a timeout, ...)
    fi

    local words
    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            words=$(_mxray_options "$bin")
        else
            words=$(_mxray_subcommands "$bin")
        fi
    else
        case $cmd in
        lint)
            if ((COMP_CWORD == cmd_at + 1)) && [[ $cur != -* ]]; then
                words=$("$bin" lint --help 2>&1 | sed -n 's/.*mxray lint \([a-z][a-z-]*\).*/\1/p')
            elif [[ ${COMP_WORDS[cmd_at + 1]} == policy && $cur != -* ]]; then
                compopt -o filenames 2>/dev/null
                mapfile -t COMPREPLY < <(compgen -f -- "$cur")
                return 0
            else
                words=$(_mxray_options "$bin" lint)
            fi
            ;;
        demo | lab)
            if [[ $cur == -* ]]; then
                words=$(_mxray_options "$bin" "$cmd")
            else
                words=$(_mxray_scenarios "$bin")
            fi
            ;;
        lesson)
            if [[ $cur == -* ]]; then
                words=$(_mxray_options "$bin" lesson)
            else
                # only the first word after the options names a lesson (--lab's next is a case)
                local named=0
                for ((i = cmd_at + 1; i < COMP_CWORD; i++)); do
                    [[ ${COMP_WORDS[i]} != -* ]] && named=1
                done
                ((named)) || words=$(_mxray_lessons "$bin")
            fi
            ;;
        *)
            [[ $cur == -* ]] && words=$(_mxray_options "$bin" "$cmd")
            ;;
        esac
    fi
    mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
    return 0
}
complete -F _mxray mxray
