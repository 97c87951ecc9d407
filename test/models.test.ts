// The tiny generated models (test/fixtures/models): they load in transformers.js from a local
// folder, behave as the other tests rely on, and the generator reproduces them byte for byte.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import {
  AutoModelForCausalLM,
  AutoModelForSequenceClassification,
  AutoTokenizer,
  env,
  type FeatureExtractionPipeline,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  pipeline,
  type Tensor,
  TextStreamer,
} from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const modelsDir = join(root, 'test/fixtures/models');

env.allowRemoteModels = false;
env.localModelPath = modelsDir;

type Dtype = 'fp32' | 'q8';
const DTYPES: Dtype[] = ['fp32', 'q8'];

function rows(tensor: Tensor): number[][] {
  const [count, width] = tensor.dims;
  const data = tensor.data as Float32Array;
  return Array.from({ length: count }, (_, i) => Array.from(data.subarray(i * width, (i + 1) * width)));
}

const dot = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i], 0);
const maxAbsDiff = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i])));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((path) => statSync(join(dir, path)).isFile())
    .sort();
}

// Each case: [text, a text sharing its content words, a text sharing none].
const EMBEDDING_CASES: [string, string, string][] = [
  ['The cat sat on the mat.', 'A cat was sleeping on a mat in the kitchen.', 'Stock markets fell sharply after the report.'],
  [
    'How do vaccines train the immune system?',
    'Vaccines train the immune system to recognise a virus.',
    'The river flows through the valley to the sea.',
  ],
  ['Paris is the capital of France.', 'France has Paris as its capital city.', 'Penguins live in cold southern oceans.'],
  ['我喜欢吃苹果和香蕉。', '苹果和香蕉都是水果。', '北京的冬天很冷。'],
  ['长江是中国最长的河流。', '中国最长的河流叫长江。', '他每天早上跑步锻炼身体。'],
];

describe('tiny-bge (embedder)', () => {
  const embedders = new Map<Dtype, FeatureExtractionPipeline>();
  const embed = async (dtype: Dtype, texts: string[]) =>
    rows(await embedders.get(dtype)!(texts, { pooling: 'cls', normalize: true }));

  beforeAll(async () => {
    for (const dtype of DTYPES) embedders.set(dtype, await pipeline('feature-extraction', 'tiny-bge', { dtype }));
  });
  afterAll(async () => {
    for (const embedder of embedders.values()) await embedder.dispose();
  });

  for (const dtype of DTYPES) {
    it(`${dtype}: gives deterministic 64-d vectors of norm 1`, async () => {
      const texts = EMBEDDING_CASES.flat();
      const first = await embed(dtype, texts);
      const second = await embed(dtype, texts);
      expect(first).toHaveLength(texts.length);
      expect(first[0]).toHaveLength(64);
      expect(second).toEqual(first);
      for (const vector of first) expect(Math.sqrt(dot(vector, vector))).toBeCloseTo(1, 5);
    });

    it(`${dtype}: texts sharing words are closer than texts sharing none (English and Chinese)`, async () => {
      for (const [text, related, unrelated] of EMBEDDING_CASES) {
        const [v, r, u] = await embed(dtype, [text, related, unrelated]);
        expect(dot(v, r), `${text} / ${related}`).toBeGreaterThan(dot(v, u) + 0.2);
      }
    });
  }

  it('q8 stays close to fp32', async () => {
    const texts = EMBEDDING_CASES.flat();
    const full = await embed('fp32', texts);
    const quantized = await embed('q8', texts);
    for (const [i, vector] of full.entries()) expect(dot(vector, quantized[i])).toBeGreaterThan(0.99);
  });

  it('embeds a batch the same as one text at a time', async () => {
    const texts = ['short text', 'a much longer text with many more words in it than the first one'];
    const batch = await embed('fp32', texts);
    for (const [i, text] of texts.entries()) {
      const [single] = await embed('fp32', [text]);
      expect(maxAbsDiff(single, batch[i])).toBeLessThan(1e-5);
    }
  });
});

const RERANK_CASES: { query: string; related: string; unrelated: string }[] = [
  {
    query: 'how long do cats sleep',
    related: 'Most cats sleep for twelve to sixteen hours a day.',
    unrelated: 'The bridge was closed for repairs during the winter.',
  },
  {
    query: 'what is the capital of france',
    related: 'Paris is the capital and largest city of France.',
    unrelated: 'Photosynthesis turns light into chemical energy in plants.',
  },
  { query: '苹果是什么颜色', related: '成熟的苹果通常是红色或绿色的。', unrelated: '今天下雨了，我们没有出去散步。' },
];

describe('tiny-reranker (cross-encoder)', () => {
  let tokenizer: PreTrainedTokenizer;
  const models = new Map<Dtype, PreTrainedModel>();
  const score = async (dtype: Dtype, queries: string[], passages: string[]): Promise<Tensor> => {
    const inputs = tokenizer(queries, { text_pair: passages, padding: true, truncation: true });
    const { logits } = (await models.get(dtype)!(inputs)) as { logits: Tensor };
    return logits;
  };

  beforeAll(async () => {
    tokenizer = await AutoTokenizer.from_pretrained('tiny-reranker');
    for (const dtype of DTYPES) {
      models.set(dtype, await AutoModelForSequenceClassification.from_pretrained('tiny-reranker', { dtype }));
    }
  });
  afterAll(async () => {
    for (const model of models.values()) await model.dispose();
  });

  it('has one label', () => {
    const config = JSON.parse(readFileSync(join(modelsDir, 'tiny-reranker/config.json'), 'utf8'));
    expect(Object.keys(config.id2label)).toEqual(['0']);
  });

  for (const dtype of DTYPES) {
    it(`${dtype}: returns stable logits of shape [batch, 1], higher for pairs that share words`, async () => {
      const queries = RERANK_CASES.flatMap((c) => [c.query, c.query]);
      const passages = RERANK_CASES.flatMap((c) => [c.related, c.unrelated]);
      const first = await score(dtype, queries, passages);
      const second = await score(dtype, queries, passages);
      expect(first.dims).toEqual([queries.length, 1]);
      const logits = Array.from(first.data as Float32Array);
      expect(Array.from(second.data as Float32Array)).toEqual(logits);
      for (const value of logits) expect(Number.isFinite(value)).toBe(true);
      RERANK_CASES.forEach((c, i) => {
        expect(logits[2 * i], c.query).toBeGreaterThan(logits[2 * i + 1] + 1);
      });
    });
  }

  it('scores a pair the same alone as in a padded batch', async () => {
    const c = RERANK_CASES[0];
    const batch = Array.from((await score('fp32', [c.query, c.query], [c.related, c.unrelated])).data as Float32Array);
    const alone = Array.from((await score('fp32', [c.query], [c.related])).data as Float32Array);
    expect(alone[0]).toBeCloseTo(batch[0], 4);
  });
});

describe('tiny-gpt2 (text generation)', () => {
  const messages = [
    { role: 'system', content: 'Answer from the sources.' },
    { role: 'user', content: 'What is the capital of France?' },
  ];

  it('applies the ChatML chat template', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained('tiny-gpt2');
    const prompt = tokenizer.apply_chat_template(messages, { add_generation_prompt: true, tokenize: false });
    expect(prompt).toBe(
      '<|im_start|>system\nAnswer from the sources.<|im_end|>\n' +
        '<|im_start|>user\nWhat is the capital of France?<|im_end|>\n' +
        '<|im_start|>assistant\n',
    );
  });

  for (const dtype of DTYPES) {
    it(`${dtype}: streams tokens and stops at max_new_tokens`, async () => {
      const generator = await pipeline('text-generation', 'tiny-gpt2', { dtype });
      try {
        const pieces: string[] = [];
        let tokens = 0;
        const streamer = new TextStreamer(generator.tokenizer, {
          skip_prompt: true,
          callback_function: (text: string) => {
            pieces.push(text);
          },
          token_callback_function: (ids: bigint[]) => {
            tokens += ids.length;
          },
        });
        const output = await generator(messages, { max_new_tokens: 12, do_sample: false, streamer });
        expect(tokens).toBe(12);
        const conversation = (output as { generated_text: { role: string; content: string }[] }[])[0].generated_text;
        expect(conversation).toHaveLength(3);
        expect(conversation[2].role).toBe('assistant');
        expect(conversation[2].content.length).toBeGreaterThan(0);
        if (dtype === 'fp32') expect(pieces.join('').trim()).toBe(conversation[2].content.trim());
      } finally {
        await generator.dispose();
      }
    });
  }

  it('continues from its key/value cache as from the full text', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained('tiny-gpt2');
    const model = await AutoModelForCausalLM.from_pretrained('tiny-gpt2', { dtype: 'fp32' });
    try {
      const { input_ids: ids, attention_mask: mask } = tokenizer('The history of the city began long ago');
      const length = ids.dims[1];
      const full = (await model({ input_ids: ids, attention_mask: mask })) as Record<string, Tensor>;
      const prefix = (await model({
        input_ids: ids.slice(null, [0, length - 1]),
        attention_mask: mask.slice(null, [0, length - 1]),
      })) as Record<string, Tensor>;
      const past = Object.fromEntries(
        Object.entries(prefix)
          .filter(([name]) => name.startsWith('present.'))
          .map(([name, tensor]) => [name.replace('present', 'past_key_values'), tensor]),
      );
      expect(past['past_key_values.0.key'].dims).toEqual([1, 4, length - 1, 16]);
      const step = (await model({
        input_ids: ids.slice(null, [length - 1, length]),
        attention_mask: mask,
        past_key_values: past,
      })) as Record<string, Tensor>;
      const vocab = full.logits.dims[2];
      const expected = Array.from((full.logits.data as Float32Array).subarray((length - 1) * vocab, length * vocab));
      const actual = Array.from(step.logits.data as Float32Array);
      expect(actual).toHaveLength(vocab);
      expect(maxAbsDiff(actual, expected)).toBeLessThan(1e-4);
    } finally {
      await model.dispose();
    }
  });
});

describe('generator', () => {
  const out = mkdtempSync(join(tmpdir(), 'inpage-rag-fixtures-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('reproduces the committed models byte for byte, under 3 MB in all', { timeout: 120_000 }, () => {
    execFileSync(process.execPath, [join(root, 'scripts/fixtures/make-fixtures.mjs'), '--out', out], { stdio: 'pipe' });
    const hash = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
    const committed = filesUnder(modelsDir);
    expect(filesUnder(out)).toEqual(committed);
    for (const path of committed) expect(hash(join(out, path)), relative(root, join(modelsDir, path))).toBe(hash(join(modelsDir, path)));
    const total = committed.reduce((sum, path) => sum + statSync(join(modelsDir, path)).size, 0);
    expect(total).toBeLessThan(3 * 1024 * 1024);
    for (const name of ['tiny-bge', 'tiny-reranker', 'tiny-gpt2']) {
      for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx']) {
        expect(committed).toContain(join(name, file));
      }
    }
  });
});
