/**
 * The CLI's own bounds (the SDK's are in @tidelog/client's limits), each with what it
 * costs.
 */

/** Records handed to one producer.send() by `produce`: each send is one promise and one report write. */
export const PRODUCE_RECORDS_PER_SEND = 1000;
/** Sends `produce` lets await their answer before it reads more input: records held beyond the producer's own buffer. */
export const PRODUCE_MAX_PENDING_SENDS = 64;
/** The longest input line `produce` takes (the producer's default maxRequestBytes): a file without newlines cannot grow memory without end. */
export const PRODUCE_MAX_LINE_BYTES = 8 * 1024 * 1024;
