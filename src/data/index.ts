// The data layer: tokenizer and vocabularies, corpus readers, dataset builder, templates.
export * from './errors.ts'
export * from './tokenizer.ts'
export * from './brown.ts'
export * from './sources.ts'
export * from './shards.ts'
export * from './dataset.ts'
export * from './templates.ts'
