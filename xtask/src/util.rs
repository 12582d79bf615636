//! Errors, headers, running commands, PATH and JSON helpers.

use std::ffi::OsString;
use std::fmt::{self, Display};
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::{env, fs};

/// An expected failure: printed as `error: ...`, exits with `code`, no backtrace.
#[derive(Debug)]
pub struct Error {
    pub msg: String,
    pub code: i32,
}

pub type Result<T = ()> = std::result::Result<T, Error>;

pub fn err(msg: impl Display) -> Error {
    Error { msg: msg.to_string(), code: 1 }
}

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg)
    }
}

/// `==> [tag] msg`
pub fn header(tag: &str, msg: impl Display) {
    println!("==> [{tag}] {msg}");
}

/// The workspace root: the parent of the xtask crate.
pub fn repo_root() -> PathBuf {
    let from_env = env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    let xtask = from_env.filter(|d| d.join("../Cargo.toml").is_file()).unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let root = xtask.parent().map(Path::to_path_buf).unwrap_or(xtask);
    fs::canonicalize(&root).unwrap_or(root)
}

/// Where `cargo install` puts binaries: `$CARGO_HOME/bin`, else `~/.cargo/bin`.
pub fn cargo_bin() -> Option<PathBuf> {
    match env::var_os("CARGO_HOME") {
        Some(home) => Some(PathBuf::from(home).join("bin")),
        None => env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo/bin")),
    }
}

/// Process-wide environment for every child: the cargo bin folder on PATH (where Trunk,
/// wasm-bindgen and wasm-opt are installed) and `XDG_RUNTIME_DIR` (silences Mesa). Called once,
/// before any thread.
pub fn setup_env() {
    if env::var_os("XDG_RUNTIME_DIR").is_none() {
        env::set_var("XDG_RUNTIME_DIR", "/tmp");
    }
    let Some(cargo_bin) = cargo_bin() else { return };
    let path = env::var_os("PATH").unwrap_or_default();
    if !env::split_paths(&path).any(|p| p == cargo_bin) {
        env::set_var("PATH", prepend_path(&cargo_bin, &path));
    }
}

/// `dir` in front of the search path `path`.
pub fn prepend_path(dir: &Path, path: &OsString) -> OsString {
    let rest = env::split_paths(path).filter(|p| p != dir);
    env::join_paths(std::iter::once(dir.to_path_buf()).chain(rest)).unwrap_or_else(|_| path.clone())
}

fn quote(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The command as a shell line, with the environment it sets (PATH left out).
pub fn describe(cmd: &Command) -> String {
    let mut parts = Vec::new();
    for (key, value) in cmd.get_envs() {
        if let (Some(value), false) = (value, key == "PATH") {
            parts.push(format!("{}={}", key.to_string_lossy(), quote(&value.to_string_lossy())));
        }
    }
    parts.push(quote(&cmd.get_program().to_string_lossy()));
    parts.extend(cmd.get_args().map(|a| quote(&a.to_string_lossy())));
    parts.join(" ")
}

/// Runs `cmd` with inherited stdio, printing it first; a non-zero exit is an error naming it.
pub fn run(cmd: &mut Command) -> Result {
    let line = describe(cmd);
    println!("    $ {line}");
    let status = cmd.status().map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => {
            err(format!("`{line}` could not start: {} not found on PATH", quote(&cmd.get_program().to_string_lossy())))
        }
        _ => err(format!("`{line}` could not start: {e}")),
    })?;
    if status.success() {
        return Ok(());
    }
    let how = match status.code() {
        Some(code) => format!("exit code {code}"),
        None => signal(&status),
    };
    Err(err(format!("`{line}` failed with {how}")))
}

#[cfg(unix)]
fn signal(status: &std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    format!("signal {}", status.signal().unwrap_or(0))
}

#[cfg(not(unix))]
fn signal(_: &std::process::ExitStatus) -> String {
    "no exit code".to_string()
}

/// Stdout of a quiet, successful `program args`, or None (not found, or failed).
pub fn capture(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// True if `program --version` starts.
pub fn on_path(program: &str) -> bool {
    Command::new(program).arg("--version").stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

/// Asks before a slow or system-wide step, when someone can answer: never under `CI`, never
/// without a terminal on stdin. Enter means yes.
pub fn confirm(question: &str) -> Result {
    if env::var_os("CI").is_some() || !io::stdin().is_terminal() {
        return Ok(());
    }
    print!("    {question} [Y/n] ");
    io::stdout().flush().ok();
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer).map_err(|e| err(format!("reading the answer: {e}")))?;
    match answer.trim().to_ascii_lowercase().as_str() {
        "" | "y" | "yes" => Ok(()),
        _ => Err(err(format!("declined: {question}"))),
    }
}

/// A JSON string literal.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON array of strings.
pub fn json_array<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<String> = items.iter().map(|s| json_string(s.as_ref())).collect();
    format!("[{}]", items.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes() {
        assert_eq!(json_string(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(json_string("x\ny\u{1}"), r#""x\ny\u0001""#);
        assert_eq!(json_array(&["--a", "b c"]), r#"["--a","b c"]"#);
        assert_eq!(json_array::<&str>(&[]), "[]");
    }

    #[test]
    fn describes_commands() {
        let mut cmd = Command::new("cargo");
        cmd.args(["test", "--target", "wasm32-unknown-unknown", "it's"]).env("A", "/x y").env("PATH", "/bin");
        assert_eq!(describe(&cmd), r"A='/x y' cargo test --target wasm32-unknown-unknown 'it'\''s'");
    }

    #[test]
    fn prepends_once() {
        let path = env::join_paths(["/a", "/b", "/c"]).unwrap();
        let got = prepend_path(Path::new("/b"), &path);
        assert_eq!(env::split_paths(&got).collect::<Vec<_>>(), ["/b", "/a", "/c"].map(PathBuf::from));
    }

    #[test]
    fn missing_tools_are_missing() {
        assert!(!on_path("unroll-xtask-no-such-tool"));
        assert_eq!(capture("unroll-xtask-no-such-tool", &["--version"]), None);
        assert!(capture("cargo", &["--version"]).unwrap().starts_with("cargo "));
    }

    #[test]
    fn failing_command_is_an_error() {
        let e = run(Command::new("unroll-xtask-no-such-tool").arg("x")).unwrap_err();
        assert!(e.msg.contains("not found on PATH"), "{}", e.msg);
        let e = run(Command::new("sh").args(["-c", "exit 3"])).unwrap_err();
        assert!(e.msg.ends_with("failed with exit code 3"), "{}", e.msg);
    }
}
