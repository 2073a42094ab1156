//! A real browser for the console's tests: headless Chromium driven through
//! WebDriver (`chromedriver`, started here on a free loopback port) with
//! fantoccini. Every wait is bounded: chromedriver's start, the session,
//! each page load, each element looked for, and the test as a whole
//! ([`bounded`]).
//!
//! Without `HISGW_TEST_CHROMEDRIVER` the browser tests say `SKIPPED:
//! browser …` and pass; `.ci/run` installs Chromium from the Debian
//! packages and sets it.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use fantoccini::wd::{TimeoutConfiguration, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};

/// The path of `chromedriver`; the browser tests are skipped without it.
pub const CHROMEDRIVER_VAR: &str = "HISGW_TEST_CHROMEDRIVER";
/// The Chromium binary (default `/usr/bin/chromium`).
pub const CHROMIUM_VAR: &str = "HISGW_TEST_CHROMIUM";
/// Where the screenshots go (default `target/console-screenshots`).
pub const SCREENSHOTS_VAR: &str = "HISGW_TEST_SCREENSHOTS";

/// The most a whole browser test may take.
pub const TEST_LIMIT: Duration = Duration::from_secs(120);
/// The most chromedriver may take to listen.
const DRIVER_START: Duration = Duration::from_secs(20);
/// The most Chromium may take to start (a new WebDriver session).
const SESSION_START: Duration = Duration::from_secs(60);
/// The most a page may take to load, or an element to appear.
pub const PAGE_LOAD: Duration = Duration::from_secs(20);
/// The window's width (its height is 900 but for full-page screenshots).
const WIDTH: u32 = 1280;
/// The most one WebDriver command may take.
const COMMAND: Duration = Duration::from_secs(30);

static SAID_SKIPPED: AtomicBool = AtomicBool::new(false);

/// The chromedriver to use, or `None` after telling the terminal (once per
/// test binary, past the test harness's capture) that browser tests are
/// skipped.
pub fn chromedriver() -> Option<PathBuf> {
    match std::env::var(CHROMEDRIVER_VAR) {
        Ok(path) if !path.trim().is_empty() => Some(PathBuf::from(path)),
        _ => {
            if !SAID_SKIPPED.swap(true, Ordering::SeqCst) {
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIPPED: browser tests ({CHROMEDRIVER_VAR} is not set)"
                );
            }
            None
        }
    }
}

/// Runs a browser test's body, failing it after [`TEST_LIMIT`] (dropping
/// the body ends its browser: see [`Browser`]'s `Drop`).
pub async fn bounded<F: std::future::Future<Output = ()>>(body: F) {
    if tokio::time::timeout(TEST_LIMIT, body).await.is_err() {
        panic!("the browser test did not finish within {TEST_LIMIT:?}");
    }
}

/// The screenshot folder: `$HISGW_TEST_SCREENSHOTS`, else
/// `target/console-screenshots` under the workspace.
pub fn screenshot_dir() -> PathBuf {
    match std::env::var(SCREENSHOTS_VAR) {
        Ok(dir) if !dir.trim().is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/console-screenshots"),
    }
}

/// A headless Chromium under its own chromedriver, pointed at one gateway's
/// admin listener.
pub struct Browser {
    pub client: Client,
    /// The admin listener, `http://127.0.0.1:port`.
    pub base: String,
    /// Before the scratch folder, so that Chromium has ended when the
    /// folder is removed.
    driver: Driver,
    /// Chromium's profile, its temporary files and chromedriver's log.
    _scratch: tempfile::TempDir,
    shots: PathBuf,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium for the console at
    /// `base`; `None` (after saying so) when `HISGW_TEST_CHROMEDRIVER` is
    /// not set.
    pub async fn start(base: &str) -> Option<Browser> {
        let driver_path = chromedriver()?;
        let chromium = std::env::var(CHROMIUM_VAR)
            .ok()
            .filter(|p| !p.trim().is_empty())
            .unwrap_or_else(|| "/usr/bin/chromium".into());
        let scratch = tempfile::tempdir().expect("temp dir");
        let log = scratch.path().join("chromedriver.log");
        let port = free_port();
        let temp = scratch.path().join("tmp");
        std::fs::create_dir_all(&temp).expect("temp dir");
        let mut command = tokio::process::Command::new(&driver_path);
        command
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            // What Chromium leaves in the temporary folder when it is
            // killed (its singleton socket, scoped folders) goes with ours.
            .env("TMPDIR", &temp)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            // Kept in the test's process group, so that an interrupt of the
            // tests (Ctrl-C) ends chromedriver and Chromium too.
            .kill_on_drop(true);
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e}", driver_path.display()));
        let mut driver = Driver {
            pid: child.id(),
            child,
        };
        let deadline = Instant::now() + DRIVER_START;
        loop {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                break;
            }
            if let Ok(Some(status)) = driver.child.try_wait() {
                driver.pid = None; // reaped: its id is no longer ours
                panic!(
                    "chromedriver ended ({status}) before listening:\n{}",
                    tail(&log)
                );
            }
            if Instant::now() > deadline {
                panic!(
                    "chromedriver did not listen on {port} within {DRIVER_START:?}:\n{}",
                    tail(&log)
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = scratch.path().join("profile");
        let capabilities = serde_json::json!({
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--window-size=1280,900",
                    "--hide-scrollbars",
                    "--no-first-run",
                    "--no-default-browser-check",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
            // The browser's console, read back through the log endpoint.
            "goog:loggingPrefs": { "browser": "ALL" },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        let mut builder = ClientBuilder::rustls().expect("a WebDriver client");
        builder.capabilities(capabilities);
        let session = tokio::time::timeout(
            SESSION_START,
            builder.connect(&format!("http://127.0.0.1:{port}")),
        )
        .await;
        let client = match session {
            Ok(Ok(client)) => client,
            Ok(Err(e)) => panic!("Chromium did not start ({e}):\n{}", tail(&log)),
            Err(_) => panic!(
                "Chromium did not start within {SESSION_START:?}:\n{}",
                tail(&log)
            ),
        };
        let browser = Browser {
            client,
            base: base.trim_end_matches('/').to_string(),
            driver,
            _scratch: scratch,
            shots: screenshot_dir(),
        };
        step(
            "setting the timeouts",
            browser.client.update_timeouts(TimeoutConfiguration::new(
                Some(PAGE_LOAD),
                Some(PAGE_LOAD),
                Some(Duration::ZERO),
            )),
        )
        .await;
        Some(browser)
    }

    /// Opens `path` (under the admin listener): it must load (after any
    /// redirects) with HTTP 200 and a `<main>`.
    pub async fn open(&self, path: &str) {
        let url = format!("{}{path}", self.base);
        step(&format!("opening {url}"), self.client.goto(&url)).await;
        let status = self.status().await;
        if status != Some(200) {
            panic!(
                "GET {path} answered HTTP {} at {}:\n{}",
                status.map_or("(unknown)".into(), |s| s.to_string()),
                self.url().await,
                self.describe().await
            );
        }
        self.find(Locator::Css("main")).await;
    }

    /// The HTTP status of the page on show (after redirects), as the
    /// browser's Navigation Timing has it.
    pub async fn status(&self) -> Option<u16> {
        let script = "const n = performance.getEntriesByType('navigation')[0]; \
                      return n ? n.responseStatus : null;";
        step_result(self.client.execute(script, vec![]))
            .await
            .ok()?
            .as_u64()
            .and_then(|s| u16::try_from(s).ok())
    }

    /// The page on show, for a failure message: its title and its text.
    async fn describe(&self) -> String {
        let title = step_result(self.client.title()).await.unwrap_or_default();
        let text = match step_result(self.client.find(Locator::Css("body"))).await {
            Ok(body) => step_result(body.text()).await.unwrap_or_default(),
            Err(e) => format!("(no body: {e})"),
        };
        let text: String = text.chars().take(3000).collect();
        format!("title: {title}\n{text}")
    }

    /// Waits (at most [`PAGE_LOAD`]) for an element.
    pub async fn wait_for(&self, locator: Locator<'_>) -> fantoccini::elements::Element {
        let what = format!("{locator:?}");
        match self
            .client
            .wait()
            .at_most(PAGE_LOAD)
            .for_element(locator)
            .await
        {
            Ok(element) => element,
            Err(e) => panic!(
                "no {what} on {} (HTTP {:?}) within {PAGE_LOAD:?} ({e}):\n{}",
                self.url().await,
                self.status().await,
                self.describe().await
            ),
        }
    }

    /// The element (it must be there now).
    pub async fn find(&self, locator: Locator<'_>) -> fantoccini::elements::Element {
        let what = format!("{locator:?}");
        match step_result(self.client.find(locator)).await {
            Ok(element) => element,
            Err(e) => panic!(
                "no {what} on {} (HTTP {:?}) ({e}):\n{}",
                self.url().await,
                self.status().await,
                self.describe().await
            ),
        }
    }

    /// The visible text of an element.
    pub async fn text(&self, locator: Locator<'_>) -> String {
        let element = self.find(locator).await;
        step("reading an element's text", element.text()).await
    }

    /// The visible text of the whole page.
    pub async fn page_text(&self) -> String {
        self.text(Locator::Css("body")).await
    }

    /// The page's HTML as the browser has it.
    pub async fn source(&self) -> String {
        step("reading the page source", self.client.source()).await
    }

    /// The current address.
    pub async fn url(&self) -> String {
        step_result(self.client.current_url())
            .await
            .map(|u| u.to_string())
            .unwrap_or_else(|e| format!("(unknown: {e})"))
    }

    /// Clicks an element (a link or a submit button) and waits (at most
    /// [`PAGE_LOAD`]) for the page it leads to.
    pub async fn click(&self, locator: Locator<'_>) {
        let element = self.find(locator).await;
        step("clicking", element.click()).await;
        self.wait_for(Locator::Css("main")).await;
    }

    /// Types `value` into the form field with this `name` (after clearing it).
    pub async fn fill(&self, name: &str, value: &str) {
        let element = self.find(Locator::Css(&format!("[name=\"{name}\"]"))).await;
        step("clearing a field", element.clear()).await;
        step("typing into a field", element.send_keys(value)).await;
    }

    /// The browser console's entries since the last call (chromedriver
    /// hands each entry out once), as (level, message).
    pub async fn console(&self) -> Vec<(String, String)> {
        let entries = step(
            "reading the browser's console",
            self.client.issue_cmd(BrowserLog),
        )
        .await;
        entries
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .map(|e| {
                        (
                            e["level"].as_str().unwrap_or_default().to_string(),
                            e["message"].as_str().unwrap_or_default().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Asserts the page has put no error (SEVERE) in the browser's console
    /// and saves its screenshot as `<name>.png`.
    pub async fn check_page(&self, name: &str) {
        self.screenshot(name).await;
        let errors: Vec<String> = self
            .console()
            .await
            .into_iter()
            .filter(|(level, _)| level == "SEVERE")
            .map(|(_, message)| message)
            .collect();
        assert!(
            errors.is_empty(),
            "{name} ({}) has errors in the browser's console:\n{}",
            self.url().await,
            errors.join("\n")
        );
    }

    /// Saves the whole page (the window made as tall as the page, up to
    /// 4000 pixels, for the moment) as `<name>.png` in the screenshot folder.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let script = "return [document.documentElement.scrollHeight, window.innerHeight, window.outerHeight];";
        let heights = step("measuring the page", self.client.execute(script, vec![])).await;
        let height = |i: usize| heights[i].as_u64().unwrap_or(0) as u32;
        let (page, inner, outer) = (height(0), height(1), height(2));
        let taller = page > inner;
        if taller {
            let to = (outer + page - inner).min(4000);
            step(
                "making the window taller",
                self.client.set_window_size(WIDTH, to),
            )
            .await;
        }
        let png = step("taking a screenshot", self.client.screenshot()).await;
        if taller {
            step(
                "restoring the window",
                self.client.set_window_size(WIDTH, outer),
            )
            .await;
        }
        std::fs::create_dir_all(&self.shots)
            .unwrap_or_else(|e| panic!("{}: {e}", self.shots.display()));
        let path = self.shots.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        path
    }

    /// Ends the WebDriver session (Chromium quits), then chromedriver.
    pub async fn close(mut self) {
        let client = self.client.clone();
        let _ = tokio::time::timeout(COMMAND, client.close()).await;
        self.driver.kill();
        let _ = tokio::time::timeout(Duration::from_secs(5), self.driver.child.wait()).await;
    }
}

/// chromedriver, and the Chromium it starts.
struct Driver {
    child: tokio::process::Child,
    /// chromedriver's process id while it is not reaped.
    pid: Option<u32>,
}

impl Drop for Driver {
    /// Whatever happened (a failed assertion, the test's time limit, a
    /// Chromium that did not start), chromedriver and its Chromium go.
    fn drop(&mut self) {
        self.kill();
    }
}

impl Driver {
    /// Kills Chromium (chromedriver's children: the browser process, whose
    /// helpers end with it) and chromedriver, once. Called only while
    /// chromedriver is not reaped, so the processes whose parent it is are
    /// ours.
    fn kill(&mut self) {
        let Some(driver) = self.pid.take() else {
            return;
        };
        let children = children_of(driver);
        #[cfg(unix)]
        for &child in &children {
            // SAFETY: kill(2) on a child of our child; no memory is involved.
            unsafe {
                libc::kill(child, libc::SIGKILL);
            }
        }
        let _ = self.child.start_kill();
        // Chromium's files go with the scratch folder once it has ended
        // (gone, or a zombie): wait for that, briefly.
        let deadline = Instant::now() + Duration::from_secs(3);
        while children.iter().any(|&child| running(child)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Whether process `pid` is there and not a zombie.
fn running(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            let rest = &stat[stat.rfind(')')? + 1..];
            rest.split_whitespace().next().map(|state| state != "Z")
        })
        .unwrap_or(false)
}

/// The processes whose parent is `pid` (from /proc).
fn children_of(pid: u32) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|child| {
            // `pid (comm) state ppid …`: comm may hold spaces and parentheses.
            std::fs::read_to_string(format!("/proc/{child}/stat"))
                .ok()
                .and_then(|stat| {
                    let rest = &stat[stat.rfind(')')? + 1..];
                    rest.split_whitespace().nth(1)?.parse::<u32>().ok()
                })
                == Some(pid)
        })
        .collect()
}

/// A WebDriver command under [`COMMAND`]'s limit; a failure fails the test.
async fn step<T>(
    what: &str,
    command: impl std::future::Future<Output = Result<T, fantoccini::error::CmdError>>,
) -> T {
    match step_result(command).await {
        Ok(value) => value,
        Err(e) => panic!("{what}: {e}"),
    }
}

async fn step_result<T>(
    command: impl std::future::Future<Output = Result<T, fantoccini::error::CmdError>>,
) -> Result<T, String> {
    match tokio::time::timeout(COMMAND, command).await {
        Ok(result) => result.map_err(|e| e.to_string()),
        Err(_) => Err(format!("no answer from the browser within {COMMAND:?}")),
    }
}

/// chromedriver's `POST /session/{id}/se/log` for the `browser` log (the
/// console), which W3C WebDriver has no command for.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(r#"{"type":"browser"}"#.to_string()),
        )
    }
}

/// A loopback port nobody listens on right now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The last lines of chromedriver's log, for a failure message.
fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}
