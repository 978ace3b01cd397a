/* libFuzzer target: the JSON reader and the QCSchema AtomicInput reader on
 * arbitrary bytes (tests/fuzz/run.sh). */
#include "input/json_reader.h"
#include "input/qcschema.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    os_jvalue v;
    os_error err = {""};
    if (os_json_parse((const char *)data, size, "fuzz.json", &v, &err) != OS_OK) {
        if (!err.msg[0] || strchr(err.msg, '\n')) abort();
        return 0;
    }
    os_molecule mol;
    os_qcschema_task task;
    err.msg[0] = '\0';
    if (os_qcschema_read_input(&v, "fuzz.json", &mol, &task, &err) != OS_OK && !err.msg[0]) abort();
    os_molecule_free(&mol);
    os_jvalue_free(&v);
    return 0;
}
