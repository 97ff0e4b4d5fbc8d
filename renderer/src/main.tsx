document.getElementById("root")!.textContent = "ClusterDeck";
