# Shell functions for the benchmarks' comparison peer: Debian's Dovecot 2.3 with
# mail_crypt per-user keys (the user key encrypted with the login password, Maildir),
# run as a private instance on loopback ports. Sourced by scripts/bench/*; needs log().

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the Debian packages named as arguments that are missing, with service start-up
# blocked: invoke-rc.d asks policy-rc.d whether a package may start its service, and 101
# says no. A policy file that exists already is left as it is.
install_packages() {
  local missing=()
  for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$package")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return

  local made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
    as_root chmod 0755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  log "installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
  if [ "$made_policy" = 1 ]; then
    as_root rm -f /usr/sbin/policy-rc.d
  fi
}

# Stops a system Dovecot that an install started anyway, through its own stop command
# (which ends only its own processes), and fails if one is still running.
stop_system_dovecot() {
  if [ -s /run/dovecot/master.pid ] && kill -0 "$(cat /run/dovecot/master.pid)" 2>/dev/null; then
    log "stopping the system dovecot the install started"
    as_root doveadm stop || true
    sleep 1
  fi
  if [ -s /run/dovecot/master.pid ] && kill -0 "$(cat /run/dovecot/master.pid)" 2>/dev/null; then
    log "a system dovecot is still running; stop it before benchmarking"
    exit 1
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_dovecot_peer DIR IMAP_PORT POP3_PORT LMTP_PORT PASSWD_LINE [MAX_CONNECTIONS]
# Writes DIR/dovecot.conf, starts Dovecot with it and prints the config's path. Stop it
# with `doveadm -c CONFIG stop`. MAX_CONNECTIONS (default 100) raises Dovecot's process
# and per-user-and-address connection limits, since benchmark clients share one address.
start_dovecot_peer() {
  local dir=$1 imap_port=$2 pop3_port=$3 lmtp_port=$4 passwd_line=$5
  local max_connections=${6:-100}
  mkdir -p "$dir/run" "$dir/state" "$dir/log" "$dir/mail"
  chown mail:mail "$dir/mail"
  printf '%s\n' "$passwd_line" >"$dir/passwd"
  cat >"$dir/dovecot.conf" <<CONF
instance_name = dovecot-peer-$$
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/log/dovecot.log
protocols = imap pop3 lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_username_format = %Ln
first_valid_uid = 8
first_valid_gid = 8
mail_uid = mail
mail_gid = mail
mail_home = $dir/mail/%n
mail_location = maildir:~/Maildir
mail_attribute_dict = file:%h/dovecot-attributes
mail_plugins = \$mail_plugins mail_crypt
default_process_limit = $((max_connections + 50))
default_client_limit = $((max_connections * 4 + 1000))
mail_max_userip_connections = $((max_connections + 50))
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n $dir/passwd
  override_fields = userdb_mail_crypt_private_password=%w
}
userdb {
  driver = passwd-file
  args = username_format=%n $dir/passwd
  default_fields = uid=mail gid=mail home=$dir/mail/%n
}
plugin {
  mail_crypt_curve = secp521r1
  mail_crypt_save_version = 2
  mail_crypt_require_encrypted_user_key = yes
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $imap_port
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $pop3_port
  }
  inet_listener pop3s {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $lmtp_port
  }
}
CONF
  dovecot -c "$dir/dovecot.conf"
  sleep 1
  printf '%s\n' "$dir/dovecot.conf"
}
