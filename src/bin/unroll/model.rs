//! `unroll model summary FILE` and `unroll model verify FILE`.

use unroll::model_file::ModelFile;

pub fn run(args: &[String]) -> i32 {
    let (Some(sub), Some(path)) = (args.first(), args.get(1)) else {
        eprintln!("usage: unroll model summary FILE | unroll model verify FILE");
        return 2;
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("unroll model: cannot read {path}: {e}");
            return 2;
        }
    };
    let file = match ModelFile::parse(&text) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("unroll model: {path}: {e}");
            return 2;
        }
    };
    let model = match file.to_model() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("unroll model: {path}: {e}");
            return 2;
        }
    };
    match sub.as_str() {
        "summary" => {
            println!("{}", model.spec.summary(None));
            0
        }
        "verify" => match file.verify(&model) {
            Ok(Some((max, n))) => {
                let ok = max <= 1e-4;
                println!(
                    "{path}: {n} outputs compared with the file's check, max abs difference {max:.3e}: {}",
                    if ok { "PASS" } else { "FAIL" }
                );
                i32::from(!ok)
            }
            Ok(None) => {
                println!("{path}: loads ({} weights); the file has no check data to compare", model.param_count());
                0
            }
            Err(e) => {
                eprintln!("unroll model: {path}: {e}");
                2
            }
        },
        other => {
            eprintln!("unroll model: unknown subcommand `{other}` (summary, verify)");
            2
        }
    }
}
