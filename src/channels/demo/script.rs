//! What the simulated community says. A fictional coffee brand, "Northwind Coffee"; every
//! handle is on the reserved `.invalid` domain.

use crate::model::{Kind, Visibility};

pub struct Person {
    pub handle: &'static str,
    pub name: &'static str,
}

/// An opening post: how long ago it was written, who, what, and the opening post it answers.
pub struct Opening {
    pub age_s: i64,
    pub who: usize,
    pub kind: Kind,
    pub visibility: Visibility,
    pub text: &'static str,
    pub reply_to: Option<usize>,
}

pub const PEOPLE: &[Person] = &[
    Person {
        handle: "@maya@social.demo.invalid",
        name: "Maya Lindqvist",
    },
    Person {
        handle: "@jose@mastodon.demo.invalid",
        name: "José Álvarez",
    },
    Person {
        handle: "@zoe@social.demo.invalid",
        name: "Zoë Brandt",
    },
    Person {
        handle: "@sam@bean.demo.invalid",
        name: "Sam Okafor",
    },
    Person {
        handle: "@ruth@social.demo.invalid",
        name: "Ruth Kessler",
    },
    Person {
        handle: "@ingrid@fjord.demo.invalid",
        name: "Ingrid Haugen",
    },
    Person {
        handle: "@misaki@mstdn.demo.invalid",
        name: "田中 美咲",
    },
    Person {
        handle: "@priya@social.demo.invalid",
        name: "Priya Nair",
    },
    Person {
        handle: "@leo@toot.demo.invalid",
        name: "Leo Marchetti",
    },
    Person {
        handle: "@aiden@social.demo.invalid",
        name: "",
    },
];

const P: Visibility = Visibility::Public;

pub const OPENING: &[Opening] = &[
    Opening {
        age_s: 2 * 3600 + 600,
        who: 0,
        kind: Kind::Mention,
        visibility: P,
        reply_to: None,
        text: "@northwind my order #4471 was supposed to arrive Tuesday. Still nothing, and your support address bounces. 😤",
    },
    Opening {
        age_s: 26 * 3600,
        who: 4,
        kind: Kind::Mention,
        visibility: P,
        reply_to: None,
        text: "@northwind the burr grinder I bought in March stopped working. Third time I'm asking. Does anyone read these?",
    },
    Opening {
        age_s: 90 * 60,
        who: 8,
        kind: Kind::Mention,
        visibility: P,
        reply_to: None,
        text: "@northwind the barista at the Old Town shop was really rude to my mum this morning. Not ok.",
    },
    Opening {
        age_s: 50 * 60,
        who: 6,
        kind: Kind::Mention,
        visibility: P,
        reply_to: None,
        text: "@northwind the app keeps saying \"session expired\" when I log in on Android 15. Can't manage my subscription.",
    },
    Opening {
        age_s: 35 * 60,
        who: 6,
        kind: Kind::Reply,
        visibility: P,
        reply_to: Some(3),
        text: "@northwind reinstalled it, cleared the cache — same thing. My next delivery goes out Friday.",
    },
    Opening {
        age_s: 40 * 60,
        who: 5,
        kind: Kind::Mention,
        visibility: P,
        reply_to: None,
        text: "@northwind do you ship to Norway? Checkout won't accept my postcode (9008 Tromsø).",
    },
    Opening {
        age_s: 25 * 60,
        who: 2,
        kind: Kind::Dm,
        visibility: Visibility::Direct,
        reply_to: None,
        text: "Hi! I was charged twice for order #5120 (2 × 34,90 €). Could you refund one of them? Card ends in 0042.",
    },
    Opening {
        age_s: 20 * 60,
        who: 7,
        kind: Kind::Mention,
        visibility: P,
        reply_to: None,
        text: "@northwind thanks for sorting out my subscription so quickly yesterday 🙏",
    },
    Opening {
        age_s: 12 * 60,
        who: 9,
        kind: Kind::Quote,
        visibility: P,
        reply_to: None,
        text: "Are these \"compostable pods\" from @northwind actually home-compostable, or only in industrial plants?",
    },
    Opening {
        age_s: 8 * 60,
        who: 1,
        kind: Kind::Mention,
        visibility: P,
        reply_to: None,
        text: "@northwind are you open on Sunday? Your website and Google say two different things.",
    },
    Opening {
        age_s: 3 * 60,
        who: 3,
        kind: Kind::Mention,
        visibility: P,
        reply_to: None,
        text: "Shoutout to @northwind — the Ethiopia Guji is the best bean I've had this year ☕",
    },
    Opening {
        age_s: 90,
        who: 7,
        kind: Kind::Mention,
        visibility: P,
        reply_to: None,
        text: "@northwind any vegan pastries at the Leith café these days?",
    },
];

/// New posts that keep arriving while the demo runs: (who, kind, text).
pub const LATER: &[(usize, Kind, &str)] = &[
    (
        3,
        Kind::Mention,
        "@northwind is the decaf Swiss-water processed? Asking for my very pregnant wife.",
    ),
    (
        8,
        Kind::Mention,
        "@northwind your Leith café wifi has been down all week 😩",
    ),
    (
        0,
        Kind::Mention,
        "@northwind still waiting on #4471… tracking hasn't moved since Monday.",
    ),
    (
        5,
        Kind::Mention,
        "@northwind love the new autumn blend! Will it be in the subscription box?",
    ),
    (
        1,
        Kind::Mention,
        "@northwind my espresso machine descaler arrived leaking all over the box.",
    ),
    (
        9,
        Kind::Mention,
        "@northwind what's your return policy for opened bags?",
    ),
    (
        4,
        Kind::Mention,
        "@northwind cancelled my subscription but I was billed again today. Please fix.",
    ),
    (
        2,
        Kind::Mention,
        "@northwind the oat milk at the station kiosk tasted off this morning, fyi",
    ),
    (
        7,
        Kind::Mention,
        "Big thanks to the @northwind team at the airport shop, saved my morning ✈️",
    ),
    (
        6,
        Kind::Mention,
        "@northwind do you have gift cards? Need something for a colleague by Friday.",
    ),
];

/// What a customer says after we answered them.
pub const ANSWERS: &[&str] = &[
    "Thanks for getting back to me. When can I expect an update?",
    "OK, I've sent the details. Please don't make me wait another week.",
    "That helps, thank you! One more thing: can you also check my previous order?",
    "Appreciate it 🙏 I'll keep an eye out.",
    "Hmm, that didn't work either. Same error as before.",
];
