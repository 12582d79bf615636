//! `cargo xtask <command>`: Unroll's one entry point for installing tools, serving, building and
//! testing. Tool versions, apt packages and Chromium flags live in `pins.rs` and nowhere else.

mod apt;
mod bench;
mod install;
mod lockfile;
mod needs;
mod news_data;
mod pins;
mod pretrained;
mod test;
mod trunk;
mod util;
mod webdriver;

use std::process::ExitCode;

use util::{Error, Result};

/// The usage text; the benchmark kinds come from `bench::KINDS`, so the list cannot go stale.
fn usage() -> String {
    let kinds: Vec<String> = bench::KINDS.iter().map(|(name, what)| format!("               {name:<8} {what}")).collect();
    format!(
        "\
usage: cargo xtask <command> [options]

commands:
  serve      install what is missing, then `trunk serve` on http://{SERVE}/
  dist       install what is missing, then `trunk build --release` into dist/
  test       install what is missing, then run the test stages in order:
               native  cargo test --workspace
               wasm    cargo test --target wasm32-unknown-unknown -p unroll, in headless Chromium
               e2e     trunk build, then node --test tests/e2e/*.test.mjs with Playwright
  bench [KIND...] [--json]
             benchmarks that print figures (default: all); KIND:
{kinds}
  install    install everything every command needs, run nothing
  news-data  rebuild public/data/ag_news/ (the page's AG News bundle) from ../shared/data/ag_news
  pretrained train the page's pretrained news model into public/models/ (unroll train, ~1 min)

options:
  --skip-install          (serve, dist, test, bench) do not check or install tools
  --only native|wasm|e2e  (test) run only this stage; repeatable
  -h, --help              this text

\"Installs what is missing\": apt packages (only as root; otherwise it prints the sudo command
and fails), the wasm32 target, Trunk and wasm-bindgen-cli (cargo install), wasm-opt (npm's
binaryen, into the cargo bin folder beside Trunk), the npm dev dependencies, and every crate the
builds need (cargo fetch), so that the builds after it can run offline. Asks before slow or system-wide installs when stdin is a terminal and CI is unset.",
        SERVE = format_args!("{}:{}", pins::SERVE_ADDRESS, pins::SERVE_PORT),
        kinds = kinds.join("\n"),
    )
}

#[derive(Debug, PartialEq)]
enum Cmd {
    Serve { skip_install: bool },
    Dist { skip_install: bool },
    Test { skip_install: bool, only: Vec<test::Stage> },
    Bench { skip_install: bool, kinds: Vec<String>, json: bool },
    Install,
    NewsData,
    Pretrained,
    Help,
}

fn usage_error(msg: impl std::fmt::Display) -> Error {
    Error { msg: format!("{msg}\n\n{}", usage()), code: 2 }
}

fn parse(args: &[String]) -> Result<Cmd> {
    let Some((command, rest)) = args.split_first() else {
        return Err(usage_error("missing command"));
    };
    let (mut skip_install, mut only, mut kinds, mut json) = (false, Vec::new(), Vec::new(), false);
    let mut it = rest.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Cmd::Help),
            "--skip-install" => skip_install = true,
            "--only" if command == "test" => {
                let v = it.next().ok_or_else(|| usage_error("--only needs a stage: native, wasm or e2e"))?;
                only.push(test::Stage::parse(v).ok_or_else(|| usage_error(format!("unknown stage `{v}`")))?);
            }
            a if command == "test" && a.starts_with("--only=") => {
                let v = &a["--only=".len()..];
                only.push(test::Stage::parse(v).ok_or_else(|| usage_error(format!("unknown stage `{v}`")))?);
            }
            "--json" if command == "bench" => json = true,
            a if command == "bench" && !a.starts_with('-') => kinds.push(a.to_string()),
            a => return Err(usage_error(format!("unknown argument `{a}` for `{command}`"))),
        }
    }
    let no_skip = |cmd| {
        if skip_install {
            Err(usage_error(format!("`{cmd}` takes no --skip-install")))
        } else {
            Ok(())
        }
    };
    Ok(match command.as_str() {
        "serve" => Cmd::Serve { skip_install },
        "dist" => Cmd::Dist { skip_install },
        "test" => Cmd::Test { skip_install, only },
        "bench" => Cmd::Bench { skip_install, kinds, json },
        "install" => no_skip("install").map(|()| Cmd::Install)?,
        "news-data" => no_skip("news-data").map(|()| Cmd::NewsData)?,
        "pretrained" => no_skip("pretrained").map(|()| Cmd::Pretrained)?,
        "-h" | "--help" | "help" => Cmd::Help,
        other => return Err(usage_error(format!("unknown command `{other}`"))),
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse(&args).and_then(execute) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.msg);
            ExitCode::from(u8::try_from(e.code).unwrap_or(1))
        }
    }
}

fn execute(cmd: Cmd) -> Result {
    let root = util::repo_root();
    util::setup_env();
    std::env::set_current_dir(&root).map_err(|e| util::err(format!("cd {}: {e}", root.display())))?;
    match cmd {
        Cmd::Help => {
            println!("{}", usage());
            Ok(())
        }
        Cmd::Serve { skip_install } => trunk::serve(&root, skip_install),
        Cmd::Dist { skip_install } => trunk::dist(&root, skip_install),
        Cmd::Test { skip_install, only } => test::run_all(&root, &test::Options { skip_install, only }),
        Cmd::Bench { skip_install, kinds, json } => bench::run_benches(&root, skip_install, &kinds, json),
        Cmd::NewsData => news_data::build(&root),
        Cmd::Pretrained => pretrained::build(&root),
        Cmd::Install => {
            install::ensure(&root, needs::Needs::ALL)?;
            util::header("install", "done");
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use test::Stage;

    fn p(s: &str) -> Result<Cmd> {
        parse(&s.split_whitespace().map(String::from).collect::<Vec<_>>())
    }

    #[test]
    fn parses_commands() {
        assert_eq!(p("serve").unwrap(), Cmd::Serve { skip_install: false });
        assert_eq!(p("dist --skip-install").unwrap(), Cmd::Dist { skip_install: true });
        assert_eq!(p("test").unwrap(), Cmd::Test { skip_install: false, only: vec![] });
        assert_eq!(
            p("test --skip-install --only wasm --only=native").unwrap(),
            Cmd::Test { skip_install: true, only: vec![Stage::Wasm, Stage::Native] }
        );
        assert_eq!(p("install").unwrap(), Cmd::Install);
        assert_eq!(p("bench page --json").unwrap(), Cmd::Bench { skip_install: false, kinds: vec!["page".into()], json: true });
        assert_eq!(p("test --help").unwrap(), Cmd::Help);
    }

    #[test]
    fn usage_lists_every_benchmark() {
        let text = usage();
        for (name, what) in bench::KINDS {
            assert!(text.contains(&format!("{name:<8} {what}")), "{name} missing from:\n{text}");
        }
    }

    #[test]
    fn rejects_bad_arguments() {
        for bad in ["", "build", "test --only", "test --only gpu", "serve --only wasm", "test --fast", "install --skip-install"] {
            assert_eq!(p(bad).unwrap_err().code, 2, "{bad:?}");
        }
    }
}
