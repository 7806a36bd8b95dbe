// Follow one complaint's thread live: node subscribe.mjs URL TOKEN COMPLAINT_ID [COUNT]
// The graphql-transport-ws protocol over a plain websocket (the `ws` package, Node 20).
import WebSocket from "ws";

const [url, token, complaintId, count = "1"] = process.argv.slice(2);
const socket = new WebSocket(url, "graphql-transport-ws");
let remaining = Number(count);

socket.on("open", () => {
  // The credential goes in connection_init, not in the URL.
  socket.send(JSON.stringify({ type: "connection_init", payload: { Authorization: `Bearer ${token}` } }));
});

socket.on("message", (data) => {
  const message = JSON.parse(data.toString());
  if (message.type === "connection_ack") {
    socket.send(JSON.stringify({
      id: "thread",
      type: "subscribe",
      payload: {
        query: "subscription($id: ID!) { messageAdded(complaintId: $id) { authorName body } }",
        variables: { id: complaintId },
      },
    }));
    console.log("subscribed");
  } else if (message.type === "ping") {
    socket.send(JSON.stringify({ type: "pong" }));
  } else if (message.type === "next") {
    console.log(JSON.stringify(message.payload.data.messageAdded));
    if (--remaining === 0) socket.close(1000);
  } else if (message.type === "error" || message.type === "complete") {
    console.error(JSON.stringify(message));
    process.exitCode = 1;
    socket.close(1000);
  }
});

socket.on("close", (code, reason) => {
  if (code !== 1000) {
    console.error(`closed: ${code} ${reason}`);
    process.exitCode = 1;
  }
});
