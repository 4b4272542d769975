//! Drive the real binary in a pseudo-terminal and read its screen with a VT100 parser.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub struct PtyApp {
    pub parser: vt100::Parser,
    rx: Receiver<Vec<u8>>,
    writer: Box<dyn Write + Send>,
    pub child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    /// Every byte the program wrote, for checks on the raw stream.
    pub raw: Vec<u8>,
}

/// Generous: a loaded 2-core CI machine can be slow to start a debug binary.
pub const WAIT: Duration = Duration::from_secs(30);

impl PtyApp {
    pub fn spawn(args: &[&str], envs: &[(&str, String)], cols: u16, rows: u16) -> PtyApp {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(super::bin());
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn tinbox");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if tx.send(buf[..n].to_vec()).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        PtyApp {
            parser: vt100::Parser::new(rows, cols, 0),
            rx,
            writer,
            child,
            _master: pair.master,
            raw: Vec::new(),
        }
    }

    pub fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Read output until `cond` holds for the screen, or fail after `WAIT` with the screen.
    pub fn wait_for(&mut self, what: &str, cond: impl Fn(&vt100::Screen) -> bool) {
        let deadline = Instant::now() + WAIT;
        loop {
            if cond(self.parser.screen()) {
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(bytes) => {
                    self.parser.process(&bytes);
                    self.raw.extend_from_slice(&bytes);
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!("timed out waiting for {what}; screen:\n{}", self.screen())
                }
                Err(RecvTimeoutError::Disconnected) => {
                    if cond(self.parser.screen()) {
                        return;
                    }
                    panic!("program ended before {what}; screen:\n{}", self.screen())
                }
            }
        }
    }

    pub fn wait_text(&mut self, text: &str) {
        let t = text.to_string();
        self.wait_for(text, move |s| s.contents().contains(&t));
    }

    pub fn send(&mut self, keys: &str) {
        self.writer
            .write_all(keys.as_bytes())
            .expect("write to pty");
        self.writer.flush().expect("flush pty");
    }

    /// Wait for the process to exit, draining its output; returns its success.
    pub fn wait_exit(&mut self) -> bool {
        let deadline = Instant::now() + WAIT;
        loop {
            while let Ok(bytes) = self.rx.try_recv() {
                self.parser.process(&bytes);
                self.raw.extend_from_slice(&bytes);
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                // Whatever was written before the exit.
                while let Ok(bytes) = self.rx.recv_timeout(Duration::from_millis(200)) {
                    self.parser.process(&bytes);
                    self.raw.extend_from_slice(&bytes);
                }
                return status.success();
            }
            assert!(
                Instant::now() < deadline,
                "tinbox did not exit; screen:\n{}",
                self.screen()
            );
            match self.rx.recv_timeout(Duration::from_millis(50)) {
                Ok(bytes) => {
                    self.parser.process(&bytes);
                    self.raw.extend_from_slice(&bytes);
                }
                Err(_) => continue,
            }
        }
    }
}

impl Drop for PtyApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}
