// Runs one collection with Newman's library against several API roots in one Node process (starting
// Node and loading Newman takes most of a run's time). argv: collection, then a JSON list of
// {"root": API root ending in "/", "export": path of the JSON report to write}.
const newman = require("newman");

const [collection, jobs] = [process.argv[2], JSON.parse(process.argv[3])];

function runOne(job) {
  return new Promise((resolve, reject) => {
    newman.run(
      {
        collection,
        envVar: [{ key: "Product_Ordering", value: job.root }],
        reporters: ["json"],
        reporter: { json: { export: job.export } },
        timeoutRequest: 10000,
      },
      (error) => (error ? reject(error) : resolve()),
    );
  });
}

(async () => {
  for (const job of jobs) {
    await runOne(job);
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
