use super::*;

fn mail(headers: &str, body: &str) -> Vec<u8> {
    format!("{headers}\r\n\r\n{body}").into_bytes()
}

#[test]
fn encoded_headers_are_decoded_and_threading_keys_read() {
    let raw = mail(
        "From: =?iso-8859-1?Q?Zo=EB_Brandt?= <Zoe@Example.com>\r\nSubject: =?utf-8?B?R3LDvMOfZQ==?=\r\nMessage-ID: <m2@example.com>\r\nIn-Reply-To: <m1@brand.test>\r\nReferences: <m0@example.com> <m1@brand.test>\r\nDate: Tue, 3 Mar 2026 10:00:00 +0000",
        "Hello\r\n",
    );
    let p = parse(&raw, DEFAULT_SIZE_CAP);
    assert_eq!(p.from_name, "Zoë Brandt");
    assert_eq!(p.from_address, "zoe@example.com");
    assert_eq!(p.subject, "Grüße");
    assert_eq!(p.message_id, "m2@example.com");
    assert_eq!(p.in_reply_to.as_deref(), Some("m1@brand.test"));
    assert_eq!(p.thread_root().as_deref(), Some("m0@example.com"));
    assert_eq!(p.date, "2026-03-03T10:00:00Z".parse().ok());
    assert_eq!(p.noise, None);
    assert!(p.display_text().starts_with("Grüße\n\nHello"));
}

#[test]
fn control_characters_never_survive_headers_or_body() {
    let raw = mail(
        "From: a@b.example\r\nSubject: =?utf-8?Q?evil=1B]0;title=07_subject?=",
        "text \x1b[31mred\x1b[0m\r\n",
    );
    let p = parse(&raw, DEFAULT_SIZE_CAP);
    assert!(!p.subject.contains('\u{1b}') && !p.subject.contains('\u{7}'));
    assert!(
        !p.display_text()
            .chars()
            .any(|c| c.is_control() && c != '\n')
    );
}

#[test]
fn html_only_mail_becomes_text() {
    let raw = mail(
        "From: a@b.example\r\nSubject: s\r\nContent-Type: text/html; charset=utf-8",
        "<html><body><p>Hello <b>there</b></p><script>x()</script></body></html>",
    );
    let p = parse(&raw, DEFAULT_SIZE_CAP);
    assert!(p.new_part.contains("Hello there"), "{:?}", p.new_part);
    assert!(!p.new_part.contains('<'));
}

#[test]
fn automatic_mail_is_noise() {
    let cases = [
        ("Auto-Submitted: auto-replied", Some(Noise::AutoReply)),
        ("Auto-Submitted: no", None),
        ("Precedence: bulk", Some(Noise::Bulk)),
        ("List-Id: <news.example.com>", Some(Noise::Bulk)),
    ];
    for (h, want) in cases {
        let raw = mail(&format!("From: a@b.example\r\nSubject: s\r\n{h}"), "x");
        assert_eq!(parse(&raw, DEFAULT_SIZE_CAP).noise, want, "{h}");
    }
    let raw = mail("From: MAILER-DAEMON@mx.example\r\nSubject: failure", "x");
    assert_eq!(parse(&raw, DEFAULT_SIZE_CAP).noise, Some(Noise::Bounce));
}

#[test]
fn attachments_are_listed_not_opened() {
    let raw = mail(
        "From: a@b.example\r\nSubject: s\r\nContent-Type: multipart/mixed; boundary=XX",
        "--XX\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--XX\r\nContent-Type: application/pdf; name=\"in\x07voice.pdf\"\r\nContent-Disposition: attachment; filename=\"in\x07voice.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVsbG8gd29ybGQ=\r\n--XX--\r\n",
    );
    let p = parse(&raw, DEFAULT_SIZE_CAP);
    assert_eq!(
        p.attachments,
        vec![Attachment {
            name: "invoice.pdf".into(),
            mime: "application/pdf".into(),
            size: 11
        }]
    );
    assert!(
        p.display_text()
            .contains("invoice.pdf (application/pdf, 11 B)")
    );
}

#[test]
fn over_the_cap_only_headers_are_read() {
    let raw = mail("From: a@b.example\r\nSubject: big", &"x".repeat(200));
    let p = parse(&raw, 100);
    assert!(p.headers_only);
    assert_eq!(p.subject, "big");
    assert!(p.new_part.is_empty());
    assert!(p.display_text().contains("only its headers"));
}

#[test]
fn ids_that_could_break_a_header_are_dropped_and_missing_ids_derived() {
    assert_eq!(bare_id("<a@b>").as_deref(), Some("a@b"));
    assert_eq!(bare_id("<a b@c>"), None);
    assert_eq!(bare_id("a\r\nBcc: x@y"), None);
    let raw = mail("From: a@b.example\r\nSubject: s", "x");
    let (one, two) = (parse(&raw, 1000), parse(&raw, 1000));
    assert!(one.message_id.starts_with("tinbox-"));
    assert_eq!(one.message_id, two.message_id);
    assert_ne!(
        one.message_id,
        parse(&mail("Subject: t", "x"), 1000).message_id
    );
}
