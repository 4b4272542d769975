//! The interactive inbox: terminal events and background messages in, `update`, effects, draw.

mod editor;
pub mod effects;
pub mod resume;
pub mod terminal;
pub mod turn;
pub mod window;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use crossterm::event::{Event, EventStream};
use futures_util::StreamExt;
use jiff::Timestamp;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use crate::app::state::{AccountHealth, AccountView, Mode};
use crate::app::{AppState, Effect, Msg, update};
use crate::channels::Channel;
use crate::channels::demo::Clock;
use crate::channels::poller::{self, PollerConfig};
use crate::model::ChannelKind;
use crate::sla::{self, Policies, TimerState};
use crate::store::StoreHandle;
use crate::theme::Theme;
use effects::EffectRunner;
use turn::Inbox;

/// An account the inbox shows: its client (or why it has none) and how often to poll it.
pub struct AccountSetup {
    pub name: String,
    pub channel_kind: ChannelKind,
    pub client: Result<Arc<dyn Channel>, String>,
    pub poll: PollerConfig,
}

/// Everything the inbox needs, wired by `main`.
pub struct Session {
    pub store: StoreHandle,
    pub accounts: Vec<AccountSetup>,
    pub theme: Theme,
    pub policies: Policies,
    pub demo: bool,
    pub user: String,
    pub clock: Clock,
    pub templates: Vec<crate::templates::Template>,
    pub case_format: String,
    pub keymap: crate::app::keymap::Keymap,
    pub notify: crate::notify::Settings,
    pub rules: std::sync::Arc<crate::rules::Rules>,
    /// Views for the number keys (empty: the built-in ones).
    pub views: Vec<crate::app::filter::View>,
    pub linear: bool,
    /// Clicks and the wheel (`mouse = true` in the config).
    pub mouse: bool,
    /// Where to keep the position between runs (none for the demo).
    pub resume_file: Option<std::path::PathBuf>,
}

/// Run the inbox until the user quits or a signal arrives.
pub async fn run(session: Session) -> Result<()> {
    let (tx, rx) = mpsc::unbounded_channel::<Msg>();
    let mut state = AppState::new(session.policies.clone(), session.demo, session.user.clone());
    state.templates = session.templates;
    state.keymap = session.keymap;
    state.linear = session.linear;
    if let Some(path) = &session.resume_file {
        resume::apply(&mut state, &resume::load(path));
    }
    if !session.views.is_empty() {
        state.views = session.views.clone();
    }
    let (ptx, mut prx) = mpsc::unbounded_channel();
    let mut channels = HashMap::new();
    let mut pollers = Vec::new();
    let mut startup_errors = Vec::new();
    for acc in session.accounts {
        let usage = acc.client.as_ref().ok().and_then(|c| c.usage());
        let (capabilities, health) = match &acc.client {
            Ok(client) => (client.capabilities(), AccountHealth::Idle),
            Err(e) => {
                startup_errors.push(e.clone());
                (
                    crate::channels::Capabilities::none(),
                    AccountHealth::Failing {
                        error: e.clone(),
                        retry_at: None,
                    },
                )
            }
        };
        state.accounts.insert(
            acc.name.clone(),
            AccountView {
                channel: acc.channel_kind,
                capabilities,
                health,
                usage,
            },
        );
        if let Ok(client) = acc.client {
            channels.insert(acc.name.clone(), client.clone());
            pollers.push(poller::spawn_poller(
                acc.name,
                client,
                session.store.clone(),
                session.rules.clone(),
                acc.poll,
                ptx.clone(),
                session.clock.clone(),
            ));
        }
    }
    drop(ptx);
    let forward = tx.clone();
    tokio::spawn(async move {
        while let Some(ev) = prx.recv().await {
            if forward.send(Msg::Poller(ev)).is_err() {
                break;
            }
        }
    });
    // The outbox worker starts at once: replies a crash left queued or sending go out now.
    let (otx, mut orx) = mpsc::unbounded_channel();
    let outbox = crate::outbox::spawn_worker(
        session.store.clone(),
        channels.clone(),
        session.user.clone(),
        otx,
        session.clock.clone(),
    );
    let forward = tx.clone();
    tokio::spawn(async move {
        while let Some(ev) = orx.recv().await {
            if forward.send(Msg::Outbox(ev)).is_err() {
                break;
            }
        }
    });
    let runner = EffectRunner {
        store: session.store.clone(),
        channels,
        pollers,
        outbox: Some(outbox),
        tx: tx.clone(),
        user: session.user,
        case_format: session.case_format,
        notify: session.notify,
        rows: Default::default(),
        list_loads: Default::default(),
        detail_loads: Default::default(),
        window_loads: Default::default(),
        search_loads: Default::default(),
        near_loads: Default::default(),
        tail_loads: Default::default(),
        open_loads: Default::default(),
    };
    runner.run(crate::app::triage::reload(&state));
    // Open follow-ups, for the header's overdue count.
    runner.run(Effect::LoadFollowUps);
    // A team store tells us what teammates change; their changes reload what is shown.
    if let Ok(Some(changes)) = session.store.call(|s| Ok(s.subscribe())).await {
        let forward = tx.clone();
        std::thread::Builder::new()
            .name("tinbox-store-events".into())
            .spawn(move || {
                while changes.recv().is_ok() {
                    // A burst of changes is one reload.
                    while changes.try_recv().is_ok() {}
                    if forward.send(Msg::StoreChanged).is_err() {
                        break;
                    }
                }
            })
            .context("cannot start the store listener")?;
        runner.run(Effect::LoadClaims);
    }
    if let Ok(n) = session.store.call(|s| s.draft_count()).await {
        state.draft_count = n;
    }
    if let Some(e) = startup_errors.first() {
        state.message = Some((crate::app::state::Level::Error, e.clone()));
    }

    let mut terminal = terminal::enter(session.mouse).context("cannot open the terminal")?;
    let size = terminal.size()?;
    // The app core reads no clock: the loop passes the time and the user's zone in.
    let tz = jiff::tz::TimeZone::system();
    update(
        &mut state,
        Msg::Resize {
            width: size.width,
            height: size.height,
        },
        Timestamp::now(),
        &tz,
    );
    let mut inbox = Inbox {
        state,
        runner,
        rx,
        tz,
    };
    let mut events = EventStream::new();
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let result: Result<()> = loop {
        let now = Timestamp::now();
        if let Err(e) = inbox.draw(&mut terminal, &session.theme, now) {
            break Err(e.into());
        }
        let tick = next_tick(&inbox.state, now);
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) => Msg::Key(k),
                Some(Ok(Event::Paste(p))) => Msg::Paste(p),
                Some(Ok(Event::Mouse(m))) => match mouse(m) {
                    Some(msg) => msg,
                    None => continue,
                },
                Some(Ok(Event::Resize(w, h))) => Msg::Resize { width: w, height: h },
                Some(Ok(_)) => continue,
                Some(Err(e)) => break Err(e.into()),
                None => break Ok(()),
            },
            Some(msg) = inbox.rx.recv() => msg,
            _ = tokio::time::sleep(tick) => Msg::Tick,
            _ = sigterm.recv() => break Ok(()),
            _ = sighup.recv() => break Ok(()),
        };
        // Store effects are only queued: the next frame shows this key before they finish.
        if let Some(text) = inbox.handle(msg) {
            // The editor needs the terminal: stop reading it, leave, edit, come back.
            drop(events);
            terminal::restore();
            let edited = editor::edit(&text).await;
            terminal = terminal::enter(session.mouse).context("cannot reopen the terminal")?;
            events = EventStream::new();
            inbox.state.dirty = true;
            let _ = tx.send(Msg::EditorDone(edited));
        }
        if inbox.state.quit {
            break Ok(());
        }
    };
    if let Some(path) = &session.resume_file {
        resume::save(path, &inbox.state);
    }
    // Whatever the reason for leaving, the composer's text is kept, and every queued write
    // lands before the process ends.
    inbox.close().await;
    drop(terminal);
    terminal::restore();
    result
}

/// How long until something visible changes by itself: a visible timer's text or colour,
/// or the debounced draft save. Idle otherwise (a long sleep; any event wakes us first).
pub fn next_tick(state: &AppState, now: Timestamp) -> Duration {
    let mut secs = 3600;
    if let Mode::Composer(c) = &state.mode
        && c.dirty
    {
        secs = 1;
    }
    let mut scratch = crate::model::RowItem::default();
    let visible = crate::ui::list_rows(state.width, state.height, state);
    for row in state
        .items
        .range(state.offset, visible)
        .filter_map(|(_, row)| row)
    {
        let item = scratch.of(row);
        let policy = state.policies.for_item(item);
        let t = sla::timer(item, policy, now);
        if matches!(
            t.state,
            TimerState::Ok | TimerState::Warn | TimerState::Breached
        ) {
            secs = secs.min(sla::secs_to_next_change(t.elapsed_s, policy));
        }
    }
    // "retrying in 40s" in the status bar counts down too.
    for view in state.accounts.values() {
        if let AccountHealth::Failing {
            retry_at: Some(t), ..
        } = &view.health
            && *t > now
        {
            let left = now.duration_until(*t).as_secs();
            secs = secs.min(if left <= 60 { 1 } else { (left % 60).max(1) });
        }
    }
    // Wake just after the second turns, so the text has really changed.
    let into_second = Duration::from_nanos(u64::try_from(now.subsec_nanosecond()).unwrap_or(0));
    Duration::from_secs(secs.max(1).unsigned_abs()).saturating_sub(into_second)
        + Duration::from_millis(5)
}

/// A click or a wheel turn as a message; everything else the mouse does is ignored.
fn mouse(m: crossterm::event::MouseEvent) -> Option<Msg> {
    use crate::app::msg::MouseKind;
    use crossterm::event::{MouseButton, MouseEventKind};
    let kind = match m.kind {
        MouseEventKind::Down(MouseButton::Left) => MouseKind::Click,
        MouseEventKind::ScrollUp => MouseKind::WheelUp,
        MouseEventKind::ScrollDown => MouseKind::WheelDown,
        _ => return None,
    };
    Some(Msg::Mouse {
        kind,
        column: m.column,
        row: m.row,
    })
}
