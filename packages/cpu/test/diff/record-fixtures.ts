import { extra, needs } from "@ringlab/testkit";
import { it } from "vitest";
import { OBJDUMP_CORPORA, UNICORN_CORPUS, unicornCorpusCases, type ObjdumpCorpus } from "./corpora.js";
import { objdumpAnswersOf, recordObjdumpAnswers, recordUnicornAnswers } from "./fixtures.js";
import { objdumpMany } from "./objdump.js";
import { runUnicorn } from "./unicorn.js";

/**
 * Re-records the oracle answers in test/diff/fixtures (see fixtures.ts for the format). Not a
 * test of the suite (the name does not end in .test.ts): `pnpm --filter @ringlab/cpu run
 * record-fixtures [unicorn|objdump]` runs it through vitest.record.config.ts, with
 * RINGLAB_REQUIRE_EXTRAS set so that a missing tool fails instead of recording nothing.
 * Files whose content is unchanged are left alone, so a re-recording shows in `git status`
 * only where an answer changed.
 */
const which = (process.env.RINGLAB_RECORD || "unicorn,objdump").split(",");

it.runIf(which.includes("unicorn"))(`records Unicorn's answers for the ${UNICORN_CORPUS.count} in-suite differential cases`, async (ctx) => {
  needs(ctx, "unicorn");
  const cases = unicornCorpusCases();
  const results = await runUnicorn(cases);
  const written = recordUnicornAnswers(UNICORN_CORPUS, cases, results, extra("unicorn").version!);
  console.log(`Unicorn ${extra("unicorn").version}: ${cases.length} cases; ${written.length ? `wrote ${written.join(", ")}` : "every file unchanged"}`);
}, 900_000);

it.runIf(which.includes("objdump"))("records objdump's answers for the disassembler and generator corpora", (ctx) => {
  needs(ctx, "objdump");
  for (const [name, corpus] of Object.entries(OBJDUMP_CORPORA) as [ObjdumpCorpus, (typeof OBJDUMP_CORPORA)[ObjdumpCorpus]][]) {
    const { chunks, org } = corpus();
    const written = recordObjdumpAnswers(name, objdumpAnswersOf(chunks, org, objdumpMany(chunks, org), extra("objdump").version!));
    console.log(`${extra("objdump").version}: ${name}, ${chunks.length} chunks; ${written.length ? `wrote ${written.join(", ")}` : "unchanged"}`);
  }
}, 300_000);
