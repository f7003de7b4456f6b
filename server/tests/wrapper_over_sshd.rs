//! The stock `mosh` wrapper bootstraps a session with our server over a real `sshd` on
//! loopback (Debian's openssh-server, started here with throwaway keys), exactly as a
//! user would run `mosh --server=... host`.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Pane, our_server, stock};

const WAIT: Duration = Duration::from_secs(20);

/// A throwaway sshd on 127.0.0.1; killed on drop.
struct Sshd {
    child: Child,
    port: u16,
    dir: std::path::PathBuf,
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn keygen(path: &Path) {
    let status = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(path)
        .status()
        .expect("ssh-keygen not runnable: install Debian's openssh-client");
    assert!(status.success());
}

fn free_tcp_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_sshd() -> Sshd {
    let sshd = Path::new("/usr/sbin/sshd");
    assert!(
        sshd.is_file(),
        "sshd not found: install Debian's openssh-server"
    );
    let dir = std::env::temp_dir().join(format!("mosh-rs-sshd-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // sshd's privilege separation needs this directory.
    std::fs::create_dir_all("/run/sshd").unwrap();
    keygen(&dir.join("host_key"));
    keygen(&dir.join("user_key"));
    std::fs::copy(dir.join("user_key.pub"), dir.join("authorized_keys")).unwrap();
    let port = free_tcp_port();
    let config = format!(
        "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\n\
         AuthorizedKeysFile {d}/authorized_keys\nPasswordAuthentication no\n\
         KbdInteractiveAuthentication no\nUsePAM no\nPermitRootLogin prohibit-password\n\
         StrictModes no\nPidFile {d}/sshd.pid\nAcceptEnv LANG LC_*\n",
        d = dir.display()
    );
    std::fs::write(dir.join("sshd_config"), config).unwrap();
    let child = Command::new(sshd)
        .args(["-D", "-e", "-f"])
        .arg(dir.join("sshd_config"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("sshd.log")).unwrap())
        .spawn()
        .expect("start sshd");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "sshd did not start listening");
        std::thread::sleep(Duration::from_millis(50));
    }
    Sshd { child, port, dir }
}

#[test]
fn stock_wrapper_starts_our_server_over_ssh() {
    let sshd = start_sshd();
    let user = std::env::var("USER").unwrap_or_else(|_| "root".into());
    let ssh = format!(
        "ssh -F /dev/null -i {}/user_key -p {} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR",
        sshd.dir.display(),
        sshd.port
    );
    let command = format!(
        "env LANG=C.UTF-8 TERM=xterm-256color {mosh} --ssh='{ssh}' --server={server} {user}@127.0.0.1 -- /bin/sh; echo WRAPPER_EXIT=$?; sleep 60",
        mosh = stock::stock_binary("mosh").display(),
        server = our_server().display(),
    );
    let pane = Pane::start("wrapper", 80, 24, &command);
    pane.wait_until("a shell prompt", WAIT, |s| {
        s.lines().any(|l| l.starts_with('#') || l.starts_with('$'))
    });
    pane.type_text("echo over-s''sh-ok");
    pane.keys(&["Enter"]);
    pane.wait_until("command output", WAIT, |s| {
        s.lines().any(|l| l == "over-ssh-ok")
    });
    pane.type_text("exit");
    pane.keys(&["Enter"]);
    pane.wait_for("WRAPPER_EXIT=0", WAIT);
}
