//! A keyed client that sends a window size no window has (0×0, as an app that
//! measures its view before layout does; a negative one) or one beyond what the
//! server supports (5000 columns) is still heard: its later keys reach the shell
//! of our real `mosh-server` (issue 28: such a resize used to make the server refuse
//! that client's states for good; stock `mosh-server` ends the session on 0×0).

mod common;

use common::hand_client::HandClient;
use common::server_process::{our_server_binary, start_server};
use mosh_core::crypto::SessionKey;
use mosh_core::protocol::proto::resize::ResizeMessage;
use mosh_core::protocol::proto::user::{UserInstruction, UserMessage};
use mosh_core::protocol::proto::{UserEvent, WindowSize};
use prost::Message;

/// A diff holding one resize to `width` × `height` exactly as given.
fn raw_resize(width: i32, height: i32) -> Vec<u8> {
    UserMessage {
        instruction: vec![UserInstruction {
            keystroke: None,
            resize: Some(ResizeMessage {
                width: Some(width),
                height: Some(height),
            }),
            scrollback: None,
        }],
    }
    .encode_to_vec()
}

#[test]
fn keys_after_unusable_and_huge_window_sizes_reach_the_shell() {
    let server = start_server(
        &our_server_binary(),
        &["new", "-i", "127.0.0.1", "-p", "0", "--", "/bin/sh"],
        &[("LANG", "C.UTF-8"), ("PS1", "$ ")],
    );
    let key = SessionKey::parse(&server.key).unwrap();
    let mut client = HandClient::connect(server.port, &key);
    client.send_events(&[UserEvent::Resize(WindowSize {
        width: 80,
        height: 24,
    })]);
    client.pump_until("the first screen", |c, i| {
        i.ack_num >= 1 && !c.host_output.is_empty()
    });

    for (step, (width, height)) in [(0, 0), (-5, 24), (5000, 40), (80, 0)]
        .into_iter()
        .enumerate()
    {
        client.send_diff(raw_resize(width, height));
        let marker = format!("heard{step}");
        client.send_events(&[UserEvent::Keys(
            format!("echo {}''{}\r", &marker[..5], &marker[5..]).into_bytes(),
        )]);
        client.pump_until(
            &format!("the shell's answer after a {width}x{height} resize"),
            |c, _| c.saw(&marker),
        );
    }
    // The 5000-column window became 4096 columns: `stty size` says what the shell got.
    client.send_events(&[UserEvent::Keys(b"stty size | tr ' ' x\r".to_vec())]);
    client.pump_until("the window size", |c, _| c.saw("40x4096"));
}
