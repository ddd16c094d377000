/* placeholder until the dpuc driver lands */
int main(void)
{
    return 0;
}
