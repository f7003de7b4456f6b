//! The encoding `docs/scrollback-extension.md` chose for the client's announcement,
//! tried on the stock `mosh-server` (Debian's mosh 1.4) over real UDP: a user-stream
//! `Instruction` carrying only an unknown field (20, the capability), alone and next
//! to a resize or keystroke, must be ignored: the server acknowledges the states,
//! runs what is typed afterwards, and ends cleanly when asked.

mod common;

use std::time::Duration;

use common::hand_client::HandClient;
use common::stock::{StockServer, process_alive, wait_for_exit};
use mosh_core::protocol::proto::{UserEvent, UserMessage, WindowSize};
use prost::Message;

/// `UserMessage.instruction` (field 1) holding an `Instruction` with only field 20
/// (the scrollback capability: a message whose field 1 is the version, 1).
const CAPABILITY_INSTRUCTION: [u8; 7] = [0x0a, 0x05, 0xa2, 0x01, 0x02, 0x08, 0x01];
/// Field 20 alone, to append inside an existing instruction.
const CAPABILITY_FIELD: [u8; 5] = [0xa2, 0x01, 0x02, 0x08, 0x01];

#[test]
fn the_stock_server_ignores_the_capability_announcement() {
    let server = StockServer::start();
    let mut client = HandClient::connect(server.port, &server.key);
    // State 1: the window size, then the capability as an instruction of its own
    // (what our client sends).
    let mut diff = UserMessage::from_events(&[UserEvent::Resize(WindowSize {
        width: 80,
        height: 24,
    })])
    .encode_to_vec();
    diff.extend_from_slice(&CAPABILITY_INSTRUCTION);
    client.send_diff(diff);
    client.pump_until("an ack of state 1", |_, i| i.ack_num >= 1);
    client.pump_until("the prompt", |c, _| c.saw("$ "));

    // State 2: keystrokes with the field inside the same instruction.
    let mut keys = UserMessage::from_events(&[UserEvent::Keys(b"echo ok-$((6*7))\r".to_vec())])
        .encode_to_vec();
    // Grow the instruction's length (byte 1) to cover the appended field.
    keys[1] += CAPABILITY_FIELD.len() as u8;
    keys.extend_from_slice(&CAPABILITY_FIELD);
    client.send_diff(keys);
    client.pump_until("the command's output", |c, _| c.saw("ok-42"));
    assert!(process_alive(server.pid));

    // A polite shutdown is acknowledged, and the server exits.
    client.send_shutdown();
    client.pump_until("the shutdown acknowledgement", |_, i| i.acks_shutdown());
    assert!(wait_for_exit(server.pid, Duration::from_secs(5)));
    let stats = client.peer.stats();
    assert_eq!(stats.rejected_instructions, 0);
}
